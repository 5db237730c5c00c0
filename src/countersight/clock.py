"""The one clock: every wall-clock read of the package goes through :func:`now` (and :func:`today`),
so that tests can move time (``monkeypatch.setattr(clock, "now", ...)``) and show that no derived
row or export depends on the day it was built. Call it as ``clock.now()``, never import the name."""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """The current UTC date (from :func:`now`)."""
    return now().date()
