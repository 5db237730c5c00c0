"""Importing bundled or user-supplied datasets into a store: read everything first, then write
in one transaction, so that a bad file leaves the store unchanged and a re-import adds nothing."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from countersight.reference.vendors import registry
from countersight.resolution import resolve_pending
from countersight.sources import aigs, governance
from countersight.sources.aiddata import FinanceBatch, read_aiddata
from countersight.sources.dataset_files import DatasetBatch
from countersight.store import Store
from countersight.store.financing import add_financing


@dataclass
class ImportReport:
    """What an import read, added, repaired and could not resolve."""

    dataset: str
    path: str
    rows: int
    added: dict[str, int]
    repairs: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)
    resolved: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:  # JSON: the report `import` prints
        """JSON-ready form."""
        return asdict(self)


def store_batch(store: Store, batch: DatasetBatch) -> ImportReport:
    """Write a dataset batch (and the registry's organizations) in one transaction."""
    with store.transaction() as conn:
        orgs = store.add_organizations(registry(), conn=conn)
        added = store.add(batch.documents, batch.claims, conn=conn)
    added["organizations"] = orgs
    return ImportReport(
        dataset=batch.dataset,
        path=batch.path,
        rows=batch.rows,
        added=added,
        repairs=batch.repairs,
        unresolved=batch.unresolved,
        disagreements=batch.disagreements,
        resolved=_resolve_new(store),
    )


def _resolve_new(store: Store) -> dict[str, int]:
    """Merge the claims an import added (every write leaves deployments resolved)."""
    report = resolve_pending(store)
    return {"claims": report.claims, "deployments": report.deployments, **report.written}


def import_aigs(store: Store, edition: str, path: Path | None = None, strict: bool = False) -> ImportReport:
    """Import one AIGS edition ("2019" or "2022") from ``path`` or the bundled copy."""
    if edition == "2019":
        batch = aigs.read_aigs_2019(path, strict=strict)
    elif edition == "2022":
        batch = aigs.read_aigs_2022(path, strict=strict)
    else:
        raise ValueError(f"unknown AIGS edition {edition!r}")
    return store_batch(store, batch)


def import_governance(
    store: Store, regimes_path: Path | None = None, military_path: Path | None = None
) -> ImportReport:
    """Import the V-Dem regime table and World Bank military expenditure."""
    regimes = [(r.country, r.year, r.regime, r.label) for r in governance.read_regimes(regimes_path)]
    military = [(m.country, m.year, m.pct_gdp) for m in governance.read_military(military_path)]
    added = store.add_governance(regimes, military, governance.VDEM_SOURCE, governance.MILEX_SOURCE)
    return ImportReport(
        dataset="governance", path=str(regimes_path or "bundled"), rows=len(regimes) + len(military), added=added
    )


def store_finance_batch(store: Store, batch: FinanceBatch) -> ImportReport:
    """Write an AidData batch (documents, claims, finance records, financiers) in one transaction."""
    with store.transaction() as conn:
        orgs = store.add_organizations([*registry(), *batch.organizations], conn=conn)
        added = store.add(batch.documents, batch.claims, conn=conn)
        added["financing"] = add_financing(store, batch.financing, conn)
    added["organizations"] = orgs
    return ImportReport(
        dataset=batch.dataset,
        path=batch.path,
        rows=batch.rows,
        added=added,
        repairs=batch.repairs,
        unresolved=batch.unresolved,
        disagreements=batch.disagreements,
        resolved=_resolve_new(store),
    )


def import_aiddata_huawei(store: Store, path: Path | None = None) -> ImportReport:
    """Import AidData's Global Huawei Finance Dataset from ``path`` or the bundled copy."""
    return store_finance_batch(store, read_aiddata("aiddata-huawei", path))


def import_aiddata_gcdf_surveillance(
    store: Store, path: Path | None = None, military_path: Path | None = None
) -> list[ImportReport]:
    """Import the GCDF 2.0 surveillance subsets: the geocoded projects and the military-finance rows."""
    return [
        store_finance_batch(store, read_aiddata("aiddata-gcdf", path)),
        store_finance_batch(store, read_aiddata("aiddata-military", military_path)),
    ]
