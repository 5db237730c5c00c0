"""A small store for the API and dashboard tests, written for the project: the Nairobi and Ecuador
deployments of resolve_fixture plus one document whose text carries markup (it must show as text)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from countersight.resolution import resolve_store
from countersight.store import Store
from countersight.store.tokens import create_token
from resolve_fixture import claim, document, nairobi_claims, nairobi_documents, other_records

HOSTILE_QUOTE = 'Example Vision sold <script>window.pwned=1</script> cameras <img src=x onerror="window.pwned=2">'
HOSTILE_URL = "javascript:window.pwned=3"
HOSTILE_TEXT = f"{HOSTILE_QUOTE} to the police of Belgrade, Serbia."


def fill_api_store(store: Store) -> dict[str, str]:
    """Fill and resolve ``store``; return the tokens' secrets by role and some ids."""
    docs = nairobi_documents()
    other_docs, other_claims = other_records()
    # Markup in the text and a script URL as its address: both must reach the page as inert text.
    hostile = dataclasses.replace(
        document("hostile", HOSTILE_TEXT, dt.date(2021, 6, 1), "Example Markup Daily"), url=HOSTILE_URL
    )
    hostile_claim = claim(
        hostile,
        HOSTILE_QUOTE,
        "SRB",
        "Example Vision",
        "facial_recognition",
        city="Belgrade",
        confidence=0.4,
        vendor_country="USA",
    )
    store.add([*docs.values(), *other_docs, hostile], [*nairobi_claims(docs), *other_claims, hostile_claim])
    resolve_store(store)
    _, reviewer = create_token(store, "Rita Reviewer", "reviewer")
    _, admin = create_token(store, "Ada Admin", "admin")
    return {"reviewer": reviewer, "admin": admin, "hostile_document": hostile.id}
