"""The demo build (:mod:`countersight.demo`): its steps in order (imports, then resolution), each
announced before it runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from countersight import demo
from countersight.store import Store, open_store


def test_the_steps_import_first_and_resolve_last() -> None:
    names = [s.name for s in demo.demo_steps()]
    assert names[0] == "import AIGS 2019" and names[-1] == "resolve claims into deployments"
    assert all(n.startswith("import ") for n in names[:-1]) and len(set(names)) == len(names)


def test_build_demo_announces_and_runs_every_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []
    steps = [demo.DemoStep("first", lambda s: ran.append("first")), demo.DemoStep("second", lambda s: ran.append("2"))]
    monkeypatch.setattr(demo, "demo_steps", lambda: steps)
    announced: list[str] = []
    store: Store = open_store(f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        assert demo.build_demo(store, on_step=announced.append) == ["first", "second"]
    finally:
        store.close()
    assert announced == ["first", "second"] and ran == ["first", "2"]


def test_a_failing_step_stops_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(store: Store) -> None:
        raise RuntimeError("bad data")

    later: list[str] = []
    steps = [demo.DemoStep("breaks", boom), demo.DemoStep("never", lambda s: later.append("ran"))]
    monkeypatch.setattr(demo, "demo_steps", lambda: steps)
    store = open_store(f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        with pytest.raises(RuntimeError, match="bad data"):
            demo.build_demo(store)
    finally:
        store.close()
    assert later == []
