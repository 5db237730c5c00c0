"""Schemathesis fuzzes every operation of ``/openapi.json`` on the app over a small filled SQLite store
(tests/api_fixture.py), in-process through ASGI: no 5xx, responses that match their documented schema,
status code and content type. Requests carry an admin token so the write operations run past the auth
check. Bounded: ``EXAMPLES`` generated cases per operation (``COUNTERSIGHT_FUZZ_EXAMPLES`` for a longer hunt)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from api_fixture import fill_api_store
from countersight.publish.api.app import create_app
from countersight.store import open_store
from hostile_report import tried

EXAMPLES = int(os.environ.get("COUNTERSIGHT_FUZZ_EXAMPLES", "20"))
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
# Schemathesis parametrizes at collection time, so the store is built when the module is imported
# (a fraction of a second) and removed when the module's tests are done.
_TMP = tempfile.TemporaryDirectory(prefix="countersight-fuzz-")
_STORE = open_store(f"sqlite:///{Path(_TMP.name) / 'store.db'}")
ADMIN = {"Authorization": f"Bearer {fill_api_store(_STORE)['admin']}"}
# Sign-out revokes the token the fuzzer signs every request with (tests/test_api_security.py covers it).
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(_STORE)).exclude(path="/api/logout")


@pytest.fixture(scope="module", autouse=True)
def _remove_store() -> Iterator[None]:
    yield
    _STORE.close()
    _TMP.cleanup()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_api_conforms_to_its_openapi_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=dict(ADMIN), checks=CHECKS)
    tried("API fuzz requests")
