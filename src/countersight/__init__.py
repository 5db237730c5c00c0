"""countersight: an open, evidence-first monitor of the global trade in AI surveillance technology.

The public Python API is re-exported here.
"""

from __future__ import annotations

from countersight.api import Countersight, Records, open  # noqa: E402
from countersight.model import (  # noqa: E402
    Claim,
    Deployment,
    Document,
    Evidence,
    Financing,
    Organization,
    ReviewEvent,
)
from countersight.store import Store, open_store  # noqa: E402
from countersight.version import __version__

__all__ = [
    "Claim",
    "Countersight",
    "Deployment",
    "Document",
    "Evidence",
    "Financing",
    "Organization",
    "Records",
    "ReviewEvent",
    "Store",
    "__version__",
    "open",
    "open_store",
]
