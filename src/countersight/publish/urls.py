"""Which addresses the published pages may turn into links."""

from __future__ import annotations


def is_web_url(value: object) -> bool:
    """Whether ``value`` is an http(s) address: anything else (``javascript:``, ``file:``, a path)
    from a feed or an import is shown as text, never as a link."""
    return isinstance(value, str) and value.startswith(("https://", "http://"))
