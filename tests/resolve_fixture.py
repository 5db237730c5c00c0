"""Documents and claims written for the project (not third-party text) to test resolution,
review and the index: one Huawei safe-city deployment in Nairobi reported by three documents
(one naming "Huawei Technologies Co.", one in Spanish, one a later cancellation), plus a few
unrelated deployments."""

from __future__ import annotations

import datetime as dt

from countersight.ids import content_hash, stable_id
from countersight.model import Claim, Document, Evidence
from countersight.resolution import resolve_store
from countersight.store import Store

NAIROBI_TEXTS = {
    "en": "Huawei Technologies Co. has installed a safe city surveillance system in Nairobi, Kenya, "
    "for the National Police Service.",
    "es": "La empresa china Huawei instaló un sistema de ciudad segura en Nairobi, Kenia, con cámaras "
    "conectadas a un centro de mando policial.",
    "cancel": "Kenya has cancelled the Huawei safe city contract in Nairobi, officials said on Monday.",
}
NAIROBI_DATES = {"en": dt.date(2015, 3, 2), "es": dt.date(2016, 7, 14), "cancel": dt.date(2019, 5, 20)}
NAIROBI_PUBLISHERS = {"en": "Nairobi Example Ledger", "es": "Diario de Ejemplo", "cancel": "Example Observer"}


def document(key: str, text: str, published: dt.date, publisher: str, language: str = "en") -> Document:
    """A news document written for the tests."""
    return Document(
        id=content_hash(text),
        text=text,
        url=f"https://news.example.org/{key}",
        title=f"Test article {key}",
        publisher=publisher,
        published=published,
        language=language,
        source_kind="text",
    )


def claim(
    doc: Document,
    quote: str,
    country: str,
    vendor: str | None,
    technology: str | None,
    status: str = "reported",
    city: str | None = None,
    confidence: float = 0.6,
    vendor_country: str | None = None,
    start_year: int | None = None,
    end_year: int | None = None,
    source: str = "test",
) -> Claim:
    """A claim with one evidence span (the quote must occur in the document's text)."""
    start = doc.text.index(quote)
    return Claim(
        id=stable_id("cl", [doc.id, vendor, country, technology, status, city, start]),
        country=country,
        evidence=(Evidence(doc.id, quote, start, start + len(quote)),),
        extractor="test-fixture",
        extractor_version="1",
        source=source,
        vendor=vendor,
        vendor_raw=vendor,
        vendor_country=vendor_country,
        city=city,
        technology=technology,
        status=status,  # type: ignore[arg-type]
        confidence=confidence,
        start_year=start_year,
        end_year=end_year,
    )


def nairobi_documents() -> dict[str, Document]:
    """The three Nairobi documents by key (en, es, cancel)."""
    return {
        k: document(
            f"nairobi-{k}",
            NAIROBI_TEXTS[k],
            NAIROBI_DATES[k],
            NAIROBI_PUBLISHERS[k],
            "es" if k == "es" else "en",
        )
        for k in NAIROBI_TEXTS
    }


def nairobi_claims(docs: dict[str, Document]) -> list[Claim]:
    """One claim per document, built directly (as a reader or reviewer would record them)."""
    return [
        claim(docs["en"], NAIROBI_TEXTS["en"], "KEN", "Huawei Technologies Co.", "safe_city", city="Nairobi"),
        claim(docs["es"], NAIROBI_TEXTS["es"], "KEN", "Huawei", "safe_city", city="Nairobi"),
        claim(docs["cancel"], NAIROBI_TEXTS["cancel"], "KEN", "Huawei", "safe_city", status="cancelled"),
    ]


def other_records() -> tuple[list[Document], list[Claim]]:
    """Unrelated deployments: one document supporting two deployments (many-to-many), an unknown
    vendor with a typo, and a Hikvision subsidiary-style name."""
    text = (
        "In 2018 Hikvsion supplied facial recognition cameras to the police of Quito, Ecuador, while "
        "Acme Sentinel Systems sold licence plate readers to Ecuador's customs agency."
    )
    doc = document("ecuador", text, dt.date(2018, 10, 1), "Example Wire")
    text2 = "Hangzhou Hikvision Digital Technology Co., Ltd. delivered more face recognition cameras to Quito."
    doc2 = document("ecuador-2", text2, dt.date(2020, 2, 3), "Another Example Paper")
    claims = [
        claim(
            doc,
            "Hikvsion supplied facial recognition cameras to the police of Quito, Ecuador",
            "ECU",
            "Hikvsion",
            "facial_recognition",
            city="Quito",
        ),
        claim(
            doc,
            "Acme Sentinel Systems sold licence plate readers to Ecuador's customs agency",
            "ECU",
            "Acme Sentinel Systems",
            "license_plate_recognition",
        ),
        claim(doc2, text2, "ECU", "Hangzhou Hikvision Digital Technology Co., Ltd.", "facial_recognition"),
    ]
    return [doc, doc2], claims


def resolved_nairobi(store: Store) -> Store:
    """``store`` with the Nairobi reports and the other records added and resolved."""
    docs = nairobi_documents()
    other_docs, other_claims = other_records()
    store.add([*docs.values(), *other_docs], [*nairobi_claims(docs), *other_claims])
    resolve_store(store)
    return store
