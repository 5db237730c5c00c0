"""Which addresses the published pages may turn into links."""

from __future__ import annotations

from urllib.parse import quote


def is_web_url(value: object) -> bool:
    """Whether ``value`` is an http(s) address: anything else (``javascript:``, ``file:``, a path)
    from a feed or an import is shown as text, never as a link."""
    return isinstance(value, str) and value.startswith(("https://", "http://"))


def deployment_path(deployment_id: str) -> str:
    """The dashboard's address of a deployment, from the server's root (Atom entries link here)."""
    return f"/deployment/{quote(deployment_id, safe='')}"
