"""commission — see ARCHITECTURE.md; not built yet."""
