# ruff: noqa: E501 - HTML templates read better unwrapped
"""Jinja2 templates of the static site (kept in code so the site needs no package data)."""

from __future__ import annotations

_HEAD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}countersight{% endblock %}</title><link rel="stylesheet" href="{{ root }}style.css"></head>
<body><nav><a href="{{ root }}index.html">Map and countries</a><a href="{{ root }}vendors/index.html">Vendors</a>
<a href="{{ json_name }}">JSON of this page</a></nav>
"""
_FOOT = """<footer><p>countersight {{ meta.countersight_version }} · data snapshot {{ meta.snapshot_id }}.
Sources: Carnegie AI Global Surveillance Index (Feldstein 2019, 2022; CC BY 4.0); AidData (ODC-By 1.0) where
imported; news and reports cited on each claim. Map: Natural Earth via world-atlas (ISC).</p></footer>
</body></html>
"""

_CLAIMS = """<table><tr><th>country</th><th>vendor</th><th>technology</th><th>status</th><th>years</th>
<th>financing</th><th>source</th><th>evidence</th></tr>
{% for c in claims %}<tr id="{{ c.id }}"><td><a href="{{ root }}countries/{{ c.country }}.html">{{ c.country_name }}</a></td>
<td>{{ c.vendor or "" }}{% if c.vendor_country %} ({{ c.vendor_country }}){% endif %}</td>
<td>{{ c.technology or "" }}</td><td>{{ c.status }}</td>
<td>{{ c.start_year or "" }}{% if c.end_year %}–{{ c.end_year }}{% endif %}</td>
<td>{% if c.fin_lender or c.fin_amount %}{{ c.fin_lender or "" }} {{ c.fin_amount or "" }} {{ c.fin_currency or "" }}{% endif %}</td>
<td>{{ c.source }}</td>
<td>{% for e in c.evidence %}<blockquote>{{ e.quote }}</blockquote><span class="meta">
{% if e.document.url is web_url %}<a href="{{ e.document.url }}">{{ e.document.title or e.document.url }}</a>{% else %}{{ e.document.title or e.document_id }}{% endif %}
{% if e.document.publisher %} · {{ e.document.publisher }}{% endif %}{% if e.document.published %} · {{ e.document.published }}{% endif %}
{% if e.row is not none %} · row {{ e.row }}{% endif %}{% if e.column %} · column {{ e.column }}{% endif %}</span>
{% endfor %}</td></tr>
{% endfor %}</table>
"""

TEMPLATES: dict[str, str] = {
    "index": _HEAD
    + """<h1>countersight: AI surveillance deployments</h1>
<p class="meta">{{ countries|length }} recipient countries with claims. Darker countries have more claims; click a
country for its deployments and evidence.</p>
<svg viewBox="0 0 {{ width }} {{ height }}" role="img" aria-label="World map of recipient countries">
{% for s in shapes %}{% if s.href %}<a href="{{ s.href }}"><path d="{{ s.d }}" fill="{{ s.fill }}"><title>{{ s.name }}: {{ s.claims }} claims</title></path></a>
{% else %}<path d="{{ s.d }}" fill="{{ s.fill }}"><title>{{ s.name }}</title></path>
{% endif %}{% endfor %}</svg>
<h2>Countries</h2>
<table><tr><th>country</th><th>deployments</th><th>claims</th><th>vendors</th><th>technologies</th><th>sources</th></tr>
{% for c in countries %}<tr><td><a href="countries/{{ c.iso3 }}.html">{{ c.name }}</a></td><td>{{ c.deployments }}</td>
<td>{{ c.claims }}</td><td>{{ c.vendors|join(", ") }}</td><td>{{ c.technologies|join(", ") }}</td><td>{{ c.sources|join(", ") }}</td></tr>
{% endfor %}</table>
<h2>Vendors supplying the most countries</h2>
<table><tr><th>vendor</th><th>home</th><th>countries</th></tr>
{% for v in vendors %}<tr><td><a href="vendors/{{ v.slug }}.html">{{ v.name }}</a></td><td>{{ v.vendor_country or "" }}</td>
<td>{{ v.countries|length }}</td></tr>{% endfor %}</table>
"""
    + _FOOT,
    "vendors": _HEAD
    + """<h1>Vendors</h1>
<table><tr><th>vendor</th><th>home</th><th>countries</th><th>claims</th></tr>
{% for v in vendors %}<tr><td><a href="{{ v.slug }}.html">{{ v.name }}</a></td><td>{{ v.vendor_country or "" }}</td>
<td>{{ v.countries|length }}</td><td>{{ v.claims }}</td></tr>{% endfor %}</table>
"""
    + _FOOT,
    "country": _HEAD
    + """<h1>{{ country.name }} ({{ country.iso3 }})</h1>
<p>{{ country.deployments }} deployments, {{ country.claims }} claims. Vendors: {{ country.vendors|join(", ") or "none named" }}.
Technologies: {{ country.technologies|join(", ") or "not stated" }}.</p>
{% if deployments %}<h2>Deployments</h2><table><tr><th>technology</th><th>vendor</th><th>status</th><th>confidence</th>
<th>first seen</th><th>last seen</th><th>evidence</th></tr>
{% for d in deployments %}<tr id="{{ d.id }}"><td>{{ d.technology or "" }}</td><td>{{ d.vendor or "" }}</td><td>{{ d.status }}</td>
<td>{{ d.confidence }}</td><td>{{ d.first_seen or "" }}</td><td>{{ d.last_seen or "" }}</td>
<td>{{ d.n_claims }} claims, {{ d.n_documents }} documents</td></tr>{% endfor %}</table>{% endif %}
<h2>Claims and evidence</h2>
"""
    + _CLAIMS
    + _FOOT,
    "vendor": _HEAD
    + """<h1>{{ vendor.name }}</h1>
<p>Home country: {{ vendor.vendor_country or "not verified" }}. Named in {{ vendor.claims }} claims about
{{ vendor.countries|length }} countries.</p>
<h2>Claims and evidence</h2>
"""
    + _CLAIMS
    + _FOOT,
}
