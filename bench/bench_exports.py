"""Time every export format and the static site on the demo store (AIGS 2019 + 2022 + governance).

    python bench/bench_exports.py [DATABASE_URL]

Without a URL it builds the demo store in a temporary folder first. Prints seconds and output size
per format, and the snapshot id.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from countersight.demo import build_demo
from countersight.publish.export import FORMATS, export
from countersight.publish.export.static_site import build_static_site
from countersight.store import open_store
from countersight.store.export_queries import snapshot_id


def _size(paths: list[Path]) -> int:
    return sum(p.stat().st_size for p in paths if p.is_file())


def _report(what: str, t0: float, files: list[Path]) -> None:
    secs = time.perf_counter() - t0
    print(f"{what:12s} {secs:6.2f} s  {_size(files) / 1e6:7.2f} MB  {len(files)} files")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{Path(tmp) / 'demo.db'}"
        store = open_store(url)
        if len(sys.argv) <= 1:
            t0 = time.perf_counter()
            build_demo(store)
            print(f"build demo store: {time.perf_counter() - t0:.2f} s")
        t0 = time.perf_counter()
        snap = snapshot_id(store)
        print(f"snapshot id {snap}: {time.perf_counter() - t0:.2f} s")
        for fmt in FORMATS:
            out = Path(tmp) / "out" / (fmt if fmt in ("csv", "parquet", "datapackage") else f"x.{fmt}")
            t0 = time.perf_counter()
            try:
                files = export(store, fmt, out)
            except Exception as exc:  # noqa: BLE001 - a benchmark reports a missing extra and goes on
                print(f"{fmt:12s} skipped: {exc}")
                continue
            _report(fmt, t0, files)
        t0 = time.perf_counter()
        files = build_static_site(store, Path(tmp) / "site")
        _report("static site", t0, files)
        store.close()


if __name__ == "__main__":
    main()
