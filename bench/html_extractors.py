"""Compare main-text extraction for HTML pages: resiliparse, trafilatura, and the project's
reader (resiliparse after pruning boilerplate-named elements).

Generates deterministic news-like pages wrapped in boilerplate (navigation, cookie banner,
related-links sidebar, footer) and measures, per extractor: recall of article sentences,
share of boilerplate sentences leaked into the output, and pages per second (1 core).
Run: ``.venv/bin/python bench/html_extractors.py [N_PAGES]``.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable

WORDS = [
    "government",
    "police",
    "contract",
    "cameras",
    "city",
    "ministry",
    "system",
    "network",
    "project",
    "officials",
    "installed",
    "surveillance",
    "public",
    "security",
    "report",
    "company",
    "council",
    "budget",
    "residents",
    "data",
    "local",
    "national",
    "minister",
    "agreement",
    "phase",
    "traffic",
    "centre",
    "monitoring",
    "said",
]
BOILER = [
    "We use cookies to improve your experience. Accept all cookies or manage preferences.",
    "Subscribe to our newsletter for the latest headlines delivered daily.",
    "Home | World | Business | Technology | Opinion | Sport | Culture",
    "Copyright 2024 Example Media Group. All rights reserved. Privacy policy. Terms of use.",
    "Related stories: Markets rally on earnings; Weather warning issued for the coast.",
    "Share this article on social media. Follow us for more updates.",
]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 24))]
    return " ".join(words).capitalize() + f" {rng.randint(1000, 99999)}."


def page(i: int) -> tuple[str, list[str]]:
    """An HTML page and the sentences of its article body."""
    rng = random.Random(i)
    body = [sentence(rng) for _ in range(rng.randint(6, 14))]
    paras = "".join(f"<p>{s}</p>" for s in body)
    nav = "".join(f'<li><a href="/s{k}">{w}</a></li>' for k, w in enumerate(BOILER[2].split(" | ")))
    html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Story {i}</title>
<script>var tracking = {{"id": {i}}};</script><style>body{{font:1em serif}}</style></head><body>
<div id="cookie-banner" class="cookie consent"><p>{BOILER[0]}</p><button>Accept</button></div>
<header><nav><ul>{nav}</ul></nav><form><input name="q" placeholder="Search"></form></header>
<main><article><h1>Story {i}</h1><p class="byline">By A. Reporter, 3 March 2024</p>{paras}</article>
<aside class="related"><h3>Related</h3><p>{BOILER[4]}</p><p>{BOILER[5]}</p></aside></main>
<div class="newsletter"><p>{BOILER[1]}</p></div>
<footer><p>{BOILER[3]}</p></footer></body></html>"""
    return html, body


def resiliparse_text(html: str) -> str:
    from resiliparse.extract.html2text import extract_plain_text

    return extract_plain_text(html, main_content=True, preserve_formatting=True, list_bullets=False, alt_texts=False)


def trafilatura_text(html: str) -> str:
    import trafilatura

    return (
        trafilatura.extract(
            html, include_comments=False, include_tables=False, favor_precision=False, deduplicate=False
        )
        or ""
    )


def measure(name: str, fn: Callable[[str], str], pages: list[tuple[str, list[str]]]) -> None:
    fn(pages[0][0])  # warm up imports
    found = total = leaked = 0
    t0 = time.perf_counter()
    outputs = [fn(html) for html, _ in pages]
    elapsed = time.perf_counter() - t0
    for out, (_, body) in zip(outputs, pages, strict=True):
        total += len(body)
        found += sum(s in out for s in body)
        leaked += sum(b.split(".")[0] in out for b in BOILER)
    leak = leaked / (len(pages) * len(BOILER))
    print(
        f"{name:12s} recall {found / total:6.1%}  boilerplate leaked {leak:6.1%}  {len(pages) / elapsed:8.1f} pages/s"
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    pages = [page(i) for i in range(n)]
    print(f"{n} generated pages, 1 process")
    measure("resiliparse", resiliparse_text, pages)
    measure("trafilatura", trafilatura_text, pages)
    from countersight.sources.base import Limits
    from countersight.sources.html import html_document

    limits = Limits()
    measure("countersight", lambda h: html_document(h.encode(), "page", limits).text, pages)


if __name__ == "__main__":
    main()
