"""Dashboard pages (filled in by the next commit)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)


@router.get("/")
def home() -> HTMLResponse:
    """A placeholder front page linking the API documentation."""
    return HTMLResponse(
        '<!doctype html><title>countersight</title><p><a href="/docs">API documentation</a></p>'
    )
