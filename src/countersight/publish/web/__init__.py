"""The dashboard: server-rendered pages (Jinja2, autoescaped) and the offline map's static files."""
