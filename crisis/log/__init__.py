"""The situation log (dagbok): append-only, numbered, hash-chained."""
