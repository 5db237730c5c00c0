"""The HTTP API (FastAPI): :func:`countersight.publish.api.app.create_app` builds it."""
