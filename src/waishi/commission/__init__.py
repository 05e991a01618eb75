"""commission — the foreign affairs commission's meetings (and their news-release import)."""
