"""What a review state means for a deployment, decided here once: which reviewers' edits apply
(corrected), whether it is accepted (confirmed), disputed, re-queued, and whether the live
figures leave it out (excluded: rejected, or its vendor rejected as not a vendor). The API's
listings and filters call these instead of reading states themselves."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from countersight.resolve.records import EditValue
from countersight.resolve.review import DEPLOYMENT_FIELDS, ReviewState

UNREVIEWED = "unreviewed"


@dataclass(frozen=True, slots=True)
class DeploymentReview:
    """The review state of one deployment as shown and applied: ``review`` is ``unreviewed``,
    ``accepted`` or ``rejected`` (``rejected`` too when its vendor was rejected); ``edits`` are
    the reviewers' overrides of its fields."""

    review: str = UNREVIEWED
    excluded: bool = False
    disputed: bool = False
    requeued: bool = False
    edits: Mapping[str, EditValue] = field(default_factory=dict)

    @property
    def confirmed(self) -> bool:
        """True when a reviewer accepted it."""
        return self.review == "accepted"

    @property
    def corrected(self) -> bool:
        """True when a reviewer overrode one of its fields."""
        return bool(self.edits)


def deployment_review(
    state: ReviewState | None, vendor: str | None = None, rejected_vendors: Collection[str] = ()
) -> DeploymentReview:
    """How ``state`` applies to a deployment of ``vendor``: excluded when rejected or when a
    reviewer rejected its vendor (``rejected_vendors``)."""
    excluded = bool(state and state.excluded) or (vendor is not None and vendor in rejected_vendors)
    if state is None:
        return DeploymentReview("rejected" if excluded else UNREVIEWED, excluded)
    return DeploymentReview(
        review="rejected" if excluded else state.decision,
        excluded=excluded,
        disputed=bool(state.disputes),
        requeued=state.requeued,
        edits={k: v for k, v in state.edits.items() if k in DEPLOYMENT_FIELDS},
    )


def passes_review_filter(
    review: str | None, want: str | None = None, reviewed: bool | None = None, include_rejected: bool = False
) -> bool:
    """Whether a deployment shown with ``review`` passes the review filters: ``want`` (that exact
    decision), ``reviewed`` (True: decided; False: undecided); rejected ones only when
    ``include_rejected`` or asked for by ``want``."""
    if want and review != want:
        return False
    if reviewed is not None and (review != UNREVIEWED) != reviewed:
        return False
    return include_rejected or bool(want) or review != "rejected"


@dataclass(frozen=True, slots=True)
class ReviewSelection:
    """The review filters as id sets for SQL: only ``include_ids`` (None: any), never
    ``exclude_ids``; ``edited_ids`` must be read whatever the filters (an edit may move a
    deployment into them) and filtered after the edits apply; ``rejected_ids`` are excluded."""

    include_ids: frozenset[str] | None
    exclude_ids: frozenset[str]
    edited_ids: frozenset[str]
    rejected_ids: frozenset[str]


def review_selection(
    states: Mapping[str, ReviewState],
    want: str | None = None,
    reviewed: bool | None = None,
    include_rejected: bool = False,
) -> ReviewSelection:
    """The ids the review filters keep or drop (see :func:`passes_review_filter`), from the
    states of the reviewed targets; a rejected vendor's deployments are not among them (the
    caller filters those per row, through :func:`deployment_review`)."""
    rejected = frozenset(t for t, s in states.items() if s.excluded)
    decided = frozenset(t for t, s in states.items() if s.reviewed)
    include: frozenset[str] | None = None
    exclude: set[str] = set()
    if want == "rejected":
        include = rejected
    elif want == "accepted":
        include = frozenset(t for t, s in states.items() if s.decision == "accepted")
    elif reviewed is True:
        include = decided
    if reviewed is False or want == UNREVIEWED:
        exclude |= decided
    if not include_rejected and want != "rejected":
        exclude |= rejected
    return ReviewSelection(include, frozenset(exclude), frozenset(t for t, s in states.items() if s.edits), rejected)
