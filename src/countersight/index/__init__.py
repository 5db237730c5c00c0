"""Country indicators, the AIGS-compatible index and published figures, computed from a store."""
