"""The review commands end to end: resolve, deployments, queue, accept/reject/edit/dispute,
history and show, with errors as one line."""

from __future__ import annotations

import json

import pytest

from countersight.publish.cli import main
from countersight.store import open_store, schema
from resolve_fixture import nairobi_claims, nairobi_documents, other_records


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def db(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COUNTERSIGHT_DATABASE_URL", database_url)
    monkeypatch.setenv("COUNTERSIGHT_REVIEWER", "test-reviewer")
    store = open_store(database_url)
    docs = nairobi_documents()
    other_docs, other_claims = other_records()
    store.add([*docs.values(), *other_docs], [*nairobi_claims(docs), *other_claims])
    store.close()
    return database_url


def test_resolve_review_and_history(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "resolve", "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["deployments"] == 3
    assert report["new_organizations"] == ["Acme Sentinel Systems"]
    code, out, _ = _run(capsys, "deployments", "--country", "KEN", "--format", "json")
    (dep,) = json.loads(out)
    assert dep["status"] == "cancelled" and dep["n_documents"] == 3
    code, out, _ = _run(capsys, "deployments", "-c", "KEN", "--as-of", "2016-12-31", "--format", "json")
    assert [d["status"] for d in json.loads(out)] == ["reported"]
    code, out, _ = _run(capsys, "review", "queue", "--format", "json")
    queue = json.loads(out)
    assert code == 0 and queue[0]["target_kind"] == "organization" and len(queue) == 4
    dep_id = dep["id"]
    assert (
        _run(
            capsys,
            "review",
            "dispute",
            dep_id,
            "--reason",
            "denies supplying cameras",
            "--by",
            "Huawei",
            "--source",
            "https://example.com/reply",
        )[0]
        == 0
    )
    assert _run(capsys, "review", "reject", dep_id, "--reason", "duplicate of another record")[0] == 0
    assert _run(capsys, "review", "accept", dep_id, "--reason", "not a duplicate after all")[0] == 0
    code, out, _ = _run(
        capsys,
        "review",
        "edit",
        dep_id,
        "--reason",
        "agency named in the report",
        "--agency",
        "National Police Service",
        "--format",
        "json",
    )
    assert code == 0 and json.loads(out)["changes"]["fields"]["agency"]["to"] == "National Police Service"
    code, out, _ = _run(capsys, "review", "history", dep_id, "--format", "json")
    hist = json.loads(out)
    assert [e["action"] for e in hist["events"]] == ["dispute", "reject", "accept", "edit"]
    assert {e["actor"] for e in hist["events"]} == {"test-reviewer"}
    assert hist["state"]["decision"] == "accepted" and hist["state"]["disputes"][0]["by"] == "Huawei"
    code, out, _ = _run(capsys, "review", "show", dep_id)
    assert code == 0 and "disputed by Huawei" in out and "Nairobi" in out
    # Resolving again keeps every decision.
    assert _run(capsys, "resolve")[0] == 0
    hist2 = json.loads(_run(capsys, "review", "history", dep_id, "--format", "json")[1])
    assert hist2 == hist


def test_review_errors_are_one_line(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "resolve")[0] == 0
    code, _, err = _run(capsys, "review", "accept", "dep-0000000000000000", "--reason", "x")
    assert code == 5 and err.startswith("error: no deployment")
    dep_id = json.loads(_run(capsys, "deployments", "--country", "KEN", "--format", "json")[1])[0]["id"]
    code, _, err = _run(capsys, "review", "edit", dep_id, "--reason", "x", "--technology", "telepathy")
    assert code == 6 and "unknown id 'telepathy'" in err and len(err.strip().splitlines()) == 1


def test_terminal_output_is_plain_text_without_escapes(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "resolve")[0] == 0
    (dep,) = json.loads(_run(capsys, "deployments", "--country", "KEN", "--format", "json")[1])
    code, _, err = _run(
        capsys,
        "review",
        "dispute",
        dep["id"],
        "--reason",
        "[red]denies[/nope]",
        "--by",
        "[bold]Vendor[/x]",
        "--source",
        "https://example.com/reply",
    )
    assert code == 0, err
    # Rows stored before the sanitiser: escape sequences in a quote and a reason.
    store = open_store(db)
    with store.transaction() as conn:
        conn.execute(schema.evidence.update().values(quote="cameras \x1b[2J\x1b]0;owned\x07installed"))
        conn.execute(schema.review_events.update().values(reason="noted \x1b[31mred\x1b[0m"))
    store.close()
    for args in (
        ("review", "show", dep["id"]),
        ("review", "history", dep["id"]),
        ("review", "queue"),
        ("deployments",),
    ):
        code, out, err = _run(capsys, *args)
        assert code == 0, (args, err)
        assert "\x1b" not in out and "\x07" not in out, args
    out = _run(capsys, "review", "show", dep["id"])[1]
    assert "[bold]Vendor[/x]" in out and "cameras installed" in out
    assert "noted red" in _run(capsys, "review", "history", dep["id"])[1]


def test_review_values_have_length_limits(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "resolve")[0] == 0
    (dep,) = json.loads(_run(capsys, "deployments", "--country", "KEN", "--format", "json")[1])
    code, _, err = _run(capsys, "review", "edit", dep["id"], "--reason", "r", "--agency", "x" * 900_000)
    assert code != 0 and "at most 300 characters" in err and len(err) < 300
    code, _, err = _run(capsys, "review", "note", dep["id"], "--reason", "x" * 5000)
    assert code != 0 and "at most 4000 characters" in err
    assert json.loads(_run(capsys, "review", "history", dep["id"], "--format", "json")[1])["events"] == []
