"""The TiB inbox: reports of abnormal events (avvikelser) and their assessment."""
