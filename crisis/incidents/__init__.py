"""Incidents (händelser): title, kind, mode, level, status."""
