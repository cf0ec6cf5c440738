"""The incident timeline: the log in time order, grouped by hour."""
