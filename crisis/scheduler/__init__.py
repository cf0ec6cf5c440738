"""APScheduler 3: one scheduler, a persistent job store in the database."""
