"""Typed rows across the layers (docs/architecture.md): a ``dict[str, Any]`` is left only where the value
is a JSON or YAML document (a response body, a JSON column, a YAML file as loaded), and says so."""

from __future__ import annotations

import re

from paths import ROOT

PACKAGE = ROOT / "src" / "countersight"
UNTYPED = re.compile(r"dict\[str,\s*Any\]")
REASON = re.compile(r"#.*\b(JSON|YAML)\b")


def unjustified(text: str) -> list[int]:
    """Line numbers with a ``dict[str, Any]`` that neither the line nor the one above justifies."""
    lines = text.splitlines()
    return [
        n
        for n, line in enumerate(lines, start=1)
        if UNTYPED.search(line) and not REASON.search(line) and not (n > 1 and REASON.search(lines[n - 2]))
    ]


def test_every_untyped_dict_is_a_json_or_yaml_document_and_says_so() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        found += [f"{path.relative_to(ROOT)}:{n}: {lines[n - 1].strip()}" for n in unjustified("\n".join(lines))]
    assert not found, "dict[str, Any] without a JSON/YAML reason:\n" + "\n".join(found)


def test_the_check_sees_an_unjustified_dict() -> None:
    text = (
        "a: dict[str, Any] = {}\n"
        "# JSON: a response body\n"
        "b: dict[str, Any] = {}\n"
        "c: dict[str, Any]  # YAML: a file as loaded\n"
        "e = 1\n"
        "d: dict[str,Any] = {}  # a dict\n"
    )
    assert unjustified(text) == [1, 6]
