"""Site register (samhällsviktig verksamhet): sites, their dependencies and status.

The pure parts (dependency analysis in `risk`, file parsing in `importer`)
import neither Flask nor the database, so the CLI, the service layer and the
tests can all use them directly.
"""
