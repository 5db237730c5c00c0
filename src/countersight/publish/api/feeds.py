"""Atom watch feeds for the API: ``GET /feeds/deployments.atom?country=&vendor=&technology=&since=``.

The app includes :data:`router`; the store comes from ``request.app.state.store`` when the app
factory put one there, otherwise it is opened from the environment's settings.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException, Query, Request, Response

from countersight.config import Settings
from countersight.errors import UnresolvedNameError
from countersight.publish.api.deps import versioned_download
from countersight.publish.export.atom import deployments_feed
from countersight.reference.countries import parse_country
from countersight.store import Store, open_store
from countersight.store.export_queries import Selection

router = APIRouter(prefix="/feeds", tags=["feeds"])


def _store(request: Request) -> Store:
    store = getattr(request.app.state, "store", None)
    if isinstance(store, Store):
        return store
    settings = getattr(request.app.state, "settings", None)
    url = settings.database_url if isinstance(settings, Settings) else Settings.from_env().database_url
    opened = open_store(url)
    request.app.state.store = opened
    return opened


@router.get("/deployments.atom", response_class=Response, responses={200: {"content": {"application/atom+xml": {}}}})
def deployments_atom(
    request: Request,
    country: str | None = Query(None, description="Recipient country, ISO3 code or name (e.g. KEN or Kenya)"),
    vendor: str | None = Query(None, description="Canonical vendor name (e.g. Huawei)"),
    technology: str | None = Query(None, description="Technology id (e.g. facial_recognition)"),
    since: dt.date | None = Query(None, description="Only deployments new or changed on or after this date"),
) -> Response:
    """New or changed deployments as an Atom feed, newest first."""
    try:
        code = parse_country(country) if country is not None else None
    except UnresolvedNameError as exc:
        raise HTTPException(status_code=422, detail=exc.message) from exc
    selection = Selection(country=code, vendor=vendor, technology=technology)
    # Absolute links only from the configured public address, never from the Host header (which
    # the client chooses); without one, entry links are relative to the server's root. The feed
    # is the public view whoever asks (a token changes nothing in it): reviewers' names only when
    # the settings publish them. Neither depends on the request, so one cached feed per store
    # version and selection serves everyone.
    config = getattr(request.app.state, "config", None)
    base = getattr(config, "public_base_url", None) or ""
    names = bool(getattr(config, "publish_reviewer_names", False))
    store = _store(request)

    def build() -> str:
        return deployments_feed(store, selection, since=since, base_url=base, reviewer_names=names)

    if getattr(request.app.state, "export_cache", None) is None:
        return Response(content=build(), media_type="application/atom+xml; charset=utf-8")
    # Built once per store version and selection, with an ETag (a feed reader polls it).
    return versioned_download(
        request,
        store,
        ("atom", selection, since, base, names),
        lambda: build().encode(),
        "application/atom+xml; charset=utf-8",
    )
