"""Reference data shared by every layer: countries, technologies, the vendor registry.

Loaded from the YAML/CSV files in ``countersight/data``; facts live there, not in code.
"""
