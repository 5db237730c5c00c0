"""The outside world: CLI, HTTP API, dashboard and exporters, each a thin shell over the library."""
