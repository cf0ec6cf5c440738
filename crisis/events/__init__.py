"""Events: every change to an incident, numbered per incident, replayable."""
