"""The typed rows of resolution and review (resolve/records.py): a reviewer's edits as typed
overrides, and the ids a resolved deployment's attributes say it supersedes."""

from __future__ import annotations

from countersight.model import Deployment
from countersight.resolve.records import DeploymentAttrs, DeploymentEdits, ResolvedDeployment


def test_deployment_edits_type_the_overrides() -> None:
    edits = DeploymentEdits.from_edits({"country": "UGA", "start_year": 2019, "merge_into": "Hikvision"})
    assert (edits.country, edits.start_year, edits.technology) == ("UGA", 2019, None)
    assert edits  # something is overridden
    assert not DeploymentEdits.from_edits({"home_country": "CHN"})  # organization fields are not a deployment's
    assert not DeploymentEdits()
    # Values as stored JSON gives them back: a year as text becomes a year, text stays text.
    typed = DeploymentEdits.from_edits({"end_year": "2021", "city": "Kampala", "status": "cancelled"})
    assert (typed.end_year, typed.city, typed.status) == (2021, "Kampala", "cancelled")


def test_resolved_deployment_supersedes() -> None:
    dep = Deployment(
        id="dep-new",
        country="KEN",
        technology="safe_city",
        vendor="Huawei",
        vendor_country="CHN",
        status="reported",
        confidence=0.6,
        claim_ids=("c1",),
    )
    plain = ResolvedDeployment(dep, 1, 1, 1, DeploymentAttrs(sources=["t"]))
    assert plain.supersedes == ()
    carried = ResolvedDeployment(dep, 1, 1, 1, DeploymentAttrs(sources=["t"], supersedes=["dep-old", "dep-older"]))
    assert carried.supersedes == ("dep-old", "dep-older")
