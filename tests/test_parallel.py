"""The ordered process map, and ``extract --jobs`` built on it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from countersight.parallel import BATCH, available_cores, ordered_map
from countersight.publish.cli import main


def _square(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def test_ordered_map_keeps_input_order_across_processes() -> None:
    items = list(range(BATCH * 9 + 5))  # several batches per worker, and a short last one
    results = list(ordered_map(_square, items, jobs=2))
    assert [r for r, _ in results] == [n * n for n in items]
    assert os.getpid() not in {pid for _, pid in results}  # the work ran in the workers


def test_ordered_map_with_one_job_runs_here() -> None:
    assert {pid for _, pid in ordered_map(_square, range(5), jobs=1)} == {os.getpid()}


def test_ordered_map_stops_when_the_consumer_stops() -> None:
    numbers = ordered_map(_square, iter(range(10**9)), jobs=2)  # never read to the end
    assert [next(numbers)[0] for _ in range(3)] == [0, 1, 4]
    numbers.close()  # shuts the pool down; must not hang on the billion items left


def test_available_cores_is_positive() -> None:
    assert available_cores() >= 1


def _corpus(root: Path) -> Path:
    docs = root / "docs"
    docs.mkdir()
    places = ["Nairobi, Kenya", "Quito, Ecuador", "Lusaka, Zambia", "Belgrade, Serbia"]
    for i in range(60):
        if i % 7 == 0:
            text = f"Huawei installed a safe city system with CCTV cameras in {places[i % 4]} in 201{i % 10}."
        else:
            text = f"Report {i}: the council of {places[i % 4].split(', ')[1]} debated road repairs and budgets."
        (docs / f"{i:03d}.txt").write_text(text, encoding="utf-8")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    return docs


@pytest.mark.parametrize("model", ["bundled", "none"])
def test_extract_jobs_gives_the_same_lines_in_the_same_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], model: str
) -> None:
    docs = _corpus(tmp_path)
    main(["extract", "--model", model, str(docs)])
    one = capsys.readouterr()
    main(["extract", "--model", model, "--jobs", "2", str(docs)])
    two = capsys.readouterr()
    assert one.out == two.out
    rows = [json.loads(line) for line in one.out.splitlines()]
    assert len(rows) == 60 and [r["source"] for r in rows] == sorted(r["source"] for r in rows)
    assert {c["country"] for r in rows for c in r["claims"]} == {"KEN", "ECU", "ZMB", "SRB"}
    assert "broken.pdf" in one.err and "broken.pdf" in two.err  # the failure is reported either way
