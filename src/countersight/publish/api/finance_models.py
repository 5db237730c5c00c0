"""The typed JSON of financing in the API (issue 8): the deals behind a deployment or a country,
the lender -> country flows and the data's attribution. Split from :mod:`.models`, which re-exports
them; ``typing_extensions.TypedDict`` for pydantic, as there."""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict


class DocumentRef(TypedDict):
    """A document as a deal names it, with its API address."""

    id: str
    title: str | None
    url: str | None
    publisher: str | None
    published: str | None
    source_kind: str
    dataset: str | None
    api: str


class Deal(TypedDict):
    """One loan, grant or credit behind a deployment: amounts in the original currency beside
    AidData's constant-2017 USD, the document it comes from and that document's cited sources."""

    source: str | None
    project_id: str | None
    title: str | None
    lender: str | None
    lenders: list[str]
    instrument: str | None
    amount: float | None
    currency: str | None
    amount_from_title: bool | None
    amount_usd_2017: float | None
    amount_nominal_usd: float | None
    concessional: bool | None
    terms: str | None
    flow_type: str | None
    flow_class: str | None
    status: str | None
    stage: str | None
    commitment_year: int | None
    recommended: bool | None
    claim_id: str | None
    deployment_id: str | None
    document: DocumentRef | None
    sources: list[dict[str, Any]]  # JSON: the dataset row's cited sources (url, title, ...)
    attribution: str | None
    licence: str | None


class LenderFlow(TypedDict):
    """Lender -> recipient country: how many surveillance deals, and their constant-2017 USD."""

    lender: str
    country: str
    deals: int
    usd_2017: float
    country_name: str


class Attribution(TypedDict):
    """The citation and licence of a dataset whose numbers are shown."""

    dataset: str
    citation: str
    licence: str


class FinancingOverview(TypedDict):
    """``/api/financing``: the figures, the lender -> country flows and the data's attribution."""

    figures: dict[str, Any]  # JSON: reads.financing_figures, the figures report as the CLI prints it
    flows: list[LenderFlow]
    attribution: list[Attribution]


class FinancingSummary(TypedDict):
    """A country's financing: the index's columns, its surveillance deals and other projects there."""

    financed_deployments: int
    financed_usd_2017: float | None
    lenders: list[str]
    instruments: list[str]
    deals: list[Deal]
    context: list[dict[str, Any]]  # JSON: other finance-dataset projects there (context, never deployments)
