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
        return yaml.safe_load(fh)
