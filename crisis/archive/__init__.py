"""The archive package of an incident (after-action): a ZIP with a hash manifest."""
