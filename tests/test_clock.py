"""The one clock (:mod:`countersight.clock`): aware UTC time that tests can move."""

from __future__ import annotations

import datetime as dt

import pytest

from countersight import clock


def test_now_is_aware_utc_and_today_its_date() -> None:
    before = dt.datetime.now(dt.UTC)
    now = clock.now()
    assert now.tzinfo is not None and now.utcoffset() == dt.timedelta(0)
    assert before <= now <= dt.datetime.now(dt.UTC)
    assert clock.today() in (now.date(), now.date() + dt.timedelta(days=1))


def test_moving_now_moves_today(monkeypatch: pytest.MonkeyPatch) -> None:
    fixed = dt.datetime(2031, 12, 31, 23, 59, tzinfo=dt.UTC)
    monkeypatch.setattr(clock, "now", lambda: fixed)
    assert clock.today() == dt.date(2031, 12, 31)
