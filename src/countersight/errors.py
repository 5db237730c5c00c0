"""Typed errors. They carry the offending file and position; the CLI and API turn them
into one-line messages and exit codes at the edge."""

from __future__ import annotations


class CountersightError(Exception):
    """Base class for errors the user can act on."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | None = None, position: str | None = None):
        self.message = message
        self.path = path
        self.position = position
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}"
            if self.position:
                where += f" ({self.position})"
            where += ": "
        return f"{where}{self.message}"


class InputError(CountersightError):
    """A file that cannot be read or has the wrong shape."""

    exit_code = 2


class UnresolvedNameError(CountersightError):
    """A country or vendor name that no alias table resolves (raised under --strict)."""

    exit_code = 3


class StoreError(CountersightError):
    """The database cannot be opened or migrated."""

    exit_code = 4


class NotFoundError(CountersightError):
    """An id that the store does not hold."""

    exit_code = 5


class ReviewError(CountersightError):
    """A review action that cannot apply (unknown target, bad field)."""

    exit_code = 6


class UsageError(CountersightError):
    """An option value the command cannot use (an unknown edition, a port out of range)."""

    exit_code = 2


class ServeError(CountersightError):
    """The server cannot start (the address is in use or not ours to bind)."""

    exit_code = 7


class NothingToDoError(CountersightError):
    """A command found nothing to work on (an empty folder given to ``extract``)."""

    exit_code = 8


class FetchError(CountersightError):
    """A URL follow could not fetch, or refused to: the reason names the rule (robots, address,
    size, type, status, timeout)."""

    exit_code = 9
