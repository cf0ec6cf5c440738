"""Reports (lägesrapporter) and the public warnings derived from them.

`cap` is pure (no Flask, no database): it renders OASIS CAP 1.2 public
warnings and validates them against the schema shipped in `schema/`, so the
export can be tested and reused without an application context.
"""
