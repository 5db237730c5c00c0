"""Reads the package's bundled data files (cached: they are read-only)."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

import yaml


def data_path(*parts: str) -> Path:
    """Filesystem path of a file bundled under ``countersight/data``."""
    return Path(str(resources.files("countersight").joinpath("data", *parts)))


@functools.cache
def load_yaml(name: str) -> Any:
    """Parse a bundled YAML file once per process."""
    with data_path(name).open(encoding="utf-8") as fh:
        # libyaml's safe loader when PyYAML has it (the same result, ten times faster: every
        # Dask worker parses the lexicon and registry at start).
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
