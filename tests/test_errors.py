"""Typed errors (:mod:`countersight.errors`): the message names the file and position, and each
kind has the exit code the CLI documents."""

from __future__ import annotations

import pytest

from countersight import errors
from countersight.errors import CountersightError, InputError, StoreError


def test_the_message_names_the_file_and_the_position() -> None:
    err = InputError("bad header", path="data/x.csv", position="line 3")
    assert str(err) == "data/x.csv (line 3): bad header"
    assert (err.message, err.path, err.position) == ("bad header", "data/x.csv", "line 3")
    assert str(StoreError("locked", path="s.db")) == "s.db: locked"
    assert str(CountersightError("plain")) == "plain"
    # A position without a file says nothing about where.
    assert str(CountersightError("plain", position="line 1")) == "plain"


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        (errors.CountersightError, 1),
        (errors.InputError, 2),
        (errors.UsageError, 2),
        (errors.UnresolvedNameError, 3),
        (errors.StoreError, 4),
        (errors.NotFoundError, 5),
        (errors.ReviewError, 6),
        (errors.ServeError, 7),
        (errors.NothingToDoError, 8),
        (errors.FetchError, 9),
    ],
)
def test_each_kind_has_its_exit_code(kind: type[CountersightError], code: int) -> None:
    err = kind("x")
    assert err.exit_code == code and isinstance(err, CountersightError)
    with pytest.raises(CountersightError):
        raise err
