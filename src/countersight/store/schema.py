"""Table definitions (SQLAlchemy Core). Natural-key hashes are primary keys, so inserting the
same record twice is a no-op."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    or_,
)

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

# Schema v10: one row whose ``version`` every write transaction increments (Store.transaction), so
# that caches key on it: one primary-key read tells a server whether anything changed.
store_version = Table(
    "store_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", BigInteger, nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("url", Text),
    Column("path", Text),
    Column("title", Text),
    Column("publisher", Text),
    Column("published", Date),
    Column("language", String(16)),
    Column("source_kind", String(16), nullable=False),
    Column("dataset", String(64)),
    Column("fetched_at", DateTime(timezone=True)),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Column("text", Text, nullable=False),
    Column("meta", JSON, nullable=False),
    Index("ix_documents_dataset", "dataset"),
)

claims = Table(
    "claims",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("document_id", String(64), ForeignKey("documents.id"), nullable=False),
    Column("source", String(64), nullable=False),
    Column("extractor", String(64), nullable=False),
    Column("extractor_version", String(32), nullable=False),
    Column("vendor", Text),
    Column("vendor_raw", Text),
    Column("vendor_country", String(8)),
    Column("country", String(8), nullable=False),
    Column("city", Text),
    Column("agency", Text),
    Column("technology", String(32)),
    Column("status", String(16), nullable=False),
    Column("start_year", Integer),
    Column("end_year", Integer),
    Column("start_date", Date),
    Column("confidence", Float, nullable=False),
    Column("fin_lender", Text),
    Column("fin_instrument", Text),
    Column("fin_amount", Float),
    Column("fin_currency", String(8)),
    Column("fin_text", Text),
    Column("fin_amount_usd_2017", Float),
    Column("fin_concessional", Boolean),
    Column("fin_terms", Text),
    Column("attrs", JSON, nullable=False),
    Column("deployment_id", String(40)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_claims_source", "source"),
    Index("ix_claims_country", "country"),
    Index("ix_claims_document", "document_id"),
    Index("ix_claims_deployment", "deployment_id"),
)

evidence = Table(
    "evidence",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("claim_id", String(40), ForeignKey("claims.id"), nullable=False),
    Column("document_id", String(64), ForeignKey("documents.id"), nullable=False),
    Column("quote", Text, nullable=False),
    Column("start", Integer),
    Column("end", Integer),
    Column("page", Integer),
    Column("dataset", String(64)),
    Column("sheet", Text),
    Column("row", Integer),
    Column("column", Text),
    # The evidence's place in its claim (0 = the claim's own sentence or row; cited sources after):
    # ids are hashes, so they cannot give the order (schema v6).
    Column("position", Integer),
    Index("ix_evidence_claim", "claim_id"),
    Index("ix_evidence_document", "document_id"),
)

organizations = Table(
    "organizations",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("home_country", String(8)),
    Column("parent", Text),
    Column("aliases", JSON, nullable=False),
    Column("note", Text),
    Column("needs_review", Boolean, nullable=False),
    Index("ix_organizations_name", "name"),
)

deployments = Table(
    "deployments",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("country", String(8), nullable=False),
    Column("technology", String(32)),
    Column("vendor", Text),
    Column("vendor_country", String(8)),
    Column("status", String(16), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("first_seen", Date),
    Column("last_seen", Date),
    Column("start_year", Integer),
    Column("end_year", Integer),
    Column("city", Text),
    Column("agency", Text),
    Column("n_claims", Integer, nullable=False),
    Column("n_documents", Integer, nullable=False),
    Column("n_publishers", Integer, nullable=False),
    Column("attrs", JSON, nullable=False),
    Index("ix_deployments_country", "country"),
)

review_events = Table(
    "review_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("target_kind", String(16), nullable=False),
    Column("target_id", String(64), nullable=False),
    Column("action", String(16), nullable=False),
    Column("actor", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("changes", JSON, nullable=False),
    Column("source", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_review_events_target", "target_id"),
)

# Derived by resolve (schema v2): which documents support which deployment, one row per pair,
# with what that document says (its date, publisher, status, best claim confidence). The link
# that makes documents <-> deployments many-to-many, and what the index replays --as-of.
deployment_documents = Table(
    "deployment_documents",
    metadata,
    Column("deployment_id", String(40), primary_key=True),
    Column("document_id", String(64), primary_key=True),
    Column("country", String(8), nullable=False),
    Column("published", Date),
    Column("publisher", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("n_claims", Integer, nullable=False),
    Index("ix_deployment_documents_document", "document_id"),
    # Covering indexes for the index's per-country distinct counts (documents, publishers).
    Index("ix_deployment_documents_country_doc", "country", "document_id", "published", "deployment_id"),
    Index("ix_deployment_documents_country_pub", "country", "publisher", "published", "deployment_id"),
)

regimes = Table(
    "regimes",
    metadata,
    Column("country", String(8), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("regime", Integer, nullable=False),  # 0 CA, 1 EA, 2 ED, 3 LD (V-Dem RoW)
    Column("label", String(4), nullable=False),
    Column("source", Text, nullable=False),
)

military_expenditure = Table(
    "military_expenditure",
    metadata,
    Column("country", String(8), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("pct_gdp", Float, nullable=False),
    Column("source", Text, nullable=False),
)

ingest_inputs = Table(
    "ingest_inputs",
    metadata,
    Column("id", String(40), primary_key=True),  # hash of path + record offset
    Column("path", Text, nullable=False),
    Column("record", Integer),  # offset of a record inside an archive, else None
    Column("status", String(16), nullable=False),  # done, failed
    Column("error", Text),
    Column("document_id", String(64)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Progress inside archives: one row per WARC record committed (offsets are 64-bit), so that a
# rerun after an interruption skips what is done. ``input_id`` is the file's ingest_inputs id.
ingest_records = Table(
    "ingest_records",
    metadata,
    Column("input_id", String(40), primary_key=True),
    Column("offset", BigInteger, primary_key=True),
    Column("status", String(16), nullable=False),  # done, failed
    Column("error", Text),
    Column("document_id", String(64)),
)

# Schema v3 (HTTP API): indexes for the API's deployment filters and keyset pagination, and the
# API's bearer tokens (only a SHA-256 of each token is stored; the token is shown once).
deployment_api_indexes = (
    Index("ix_deployments_vendor_recipient", deployments.c.vendor, deployments.c.country),
    Index("ix_deployments_technology", deployments.c.technology),
    Index("ix_deployments_vendor_country", deployments.c.vendor_country),
    Index("ix_deployments_confidence_id", deployments.c.confidence, deployments.c.id),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", Text, nullable=False),
    Column("role", String(16), nullable=False),  # reviewer, admin
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    # Schema v8: optional expiry, and when the token last authenticated a request.
    Column("expires_at", DateTime(timezone=True)),
    Column("last_used_at", DateTime(timezone=True)),
)

# Schema v5 (finance): one row per project of a finance dataset (AidData), surveillance or not,
# with its financing as reported (original currency and constant-2017 USD side by side).
financing = Table(
    "financing",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("dataset", String(64), nullable=False),
    Column("project_id", String(64), nullable=False),
    Column("document_id", String(64), ForeignKey("documents.id"), nullable=False),
    Column("claim_id", String(40)),
    Column("country", String(8), nullable=False),
    Column("title", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("stage", Text),
    Column("commitment_year", Integer),
    Column("vendor", Text),
    Column("vendor_country", String(8)),
    Column("technology", String(32)),
    Column("tier", Integer),
    Column("tier_coded", Integer),
    Column("surveillance", Boolean, nullable=False),
    Column("lender", Text),
    Column("instrument", Text),
    Column("amount", Float),
    Column("currency", String(8)),
    Column("amount_usd_2017", Float),
    Column("amount_nominal_usd", Float),
    Column("concessional", Boolean),
    Column("terms", Text),
    Column("text", Text),
    Column("flow_type", Text),
    Column("flow_class", Text),
    Column("recommended", Boolean, nullable=False),
    Column("attrs", JSON, nullable=False),
    Index("ix_financing_country", "country"),
    Index("ix_financing_project", "project_id"),
    Index("ix_financing_claim", "claim_id"),
)

# Schema v6: claims that state any financing, by deployment and lender (a partial index: few claims
# do), for the API's ``financed`` and ``lender`` filters. Queries must use this same condition.
FIN_FIELDS = ("lender", "instrument", "amount", "currency", "text", "amount_usd_2017", "concessional", "terms")
CLAIM_STATES_FINANCING = or_(*[claims.c[f"fin_{f}"].is_not(None) for f in FIN_FIELDS])
ix_claims_financing = Index(
    "ix_claims_financing",
    claims.c.deployment_id,
    claims.c.fin_lender,
    sqlite_where=CLAIM_STATES_FINANCING,
    postgresql_where=CLAIM_STATES_FINANCING,
)

# Schema v9 (follow the web, issue 16). Sources a team follows: feeds, sitemaps, pages, GDELT GKG files.
feed_sources = Table(
    "feed_sources",
    metadata,
    Column("id", String(40), primary_key=True),  # stable_id of the URL
    Column("name", Text, nullable=False, unique=True),
    Column("url", Text, nullable=False),
    Column("kind", String(16), nullable=False),  # rss, atom, sitemap, page, gdelt-gkg
    Column("every_seconds", Integer, nullable=False),
    Column("language", String(16)),
    Column("paused", Boolean, nullable=False),
    Column("note", Text),  # why it is followed (the starter list says why each feed is on it)
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("next_due", DateTime(timezone=True)),  # None: due now
    Column("last_polled", DateTime(timezone=True)),
    Column("last_error", Text),
)

# One row per URL follow has fetched (sources' own URLs and their items): the conditional-GET
# validators, where the response is archived and which document it gave. Written in the same
# transaction as the document, so that a restart after a kill neither loses nor doubles anything.
fetched_urls = Table(
    "fetched_urls",
    metadata,
    Column("id", String(40), primary_key=True),  # stable_id of the URL
    Column("url", Text, nullable=False),
    Column("source_id", String(40)),
    Column("status", String(16), nullable=False),  # done, failed, skipped
    Column("http_status", Integer),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("lastmod", Text),  # the sitemap's <lastmod> when the URL was fetched
    Column("document_id", String(64)),
    Column("warc_file", Text),
    Column("warc_offset", BigInteger),
    Column("fetched_at", DateTime(timezone=True)),
    Column("error", Text),
    Index("ix_fetched_urls_document", "document_id"),
)

# WARC files follow writes, with how many bytes of each are committed (referenced by the store):
# a restart truncates a file to that size, dropping a record cut by a kill.
warc_files = Table(
    "warc_files",
    metadata,
    Column("name", Text, primary_key=True),
    Column("committed_bytes", BigInteger, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Syndication: near-duplicate documents (one wire story, many publishers) share a story id (the
# first copy's document id). ``band`` rows are the MinHash LSH bands that find candidates.
document_stories = Table(
    "document_stories",
    metadata,
    Column("document_id", String(64), primary_key=True),
    Column("story_id", String(64), nullable=False),
    Column("signature", Text, nullable=False),  # MinHash signature, hex
    Index("ix_document_stories_story", "story_id"),
)

story_bands = Table(
    "story_bands",
    metadata,
    Column("band_key", String(40), primary_key=True),
    Column("document_id", String(64), primary_key=True),
)
