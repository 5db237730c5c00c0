"""Readers: turn files, feeds and web archives into :class:`~countersight.model.Document`s.

One reader per format (text, HTML, PDF, RSS/Atom, WARC); :mod:`.dispatch` walks inputs and
picks the reader. Every failure becomes a :class:`ReadResult` with the file and reason.
"""

from countersight.sources.base import Limits, ReadResult
from countersight.sources.dispatch import InputFile, read_input, spool_stdin, walk_inputs

__all__ = ["InputFile", "Limits", "ReadResult", "read_input", "spool_stdin", "walk_inputs"]
