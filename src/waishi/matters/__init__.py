"""matters — see ARCHITECTURE.md; not built yet."""
