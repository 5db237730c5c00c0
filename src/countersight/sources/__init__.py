"""Readers: files, feeds, archives and datasets into Documents (and dataset claims)."""
