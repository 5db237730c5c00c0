"""Which addresses the published pages may turn into links (publish/urls.py)."""

from __future__ import annotations

import pytest

from countersight.publish.urls import deployment_path, is_web_url


@pytest.mark.parametrize("value", ["https://news.example.org/a", "http://example.org"])
def test_web_addresses_are_links(value: str) -> None:
    assert is_web_url(value)


@pytest.mark.parametrize(
    "value", ["javascript:alert(1)", "file:///etc/passwd", "/deployment/x", "HTTPS://", "", None, 3, b"https://x"]
)
def test_anything_else_is_text(value: object) -> None:
    assert not is_web_url(value)


def test_deployment_paths_quote_the_id() -> None:
    assert deployment_path("dep-1") == "/deployment/dep-1"
    assert deployment_path("a/b?c d") == "/deployment/a%2Fb%3Fc%20d"
