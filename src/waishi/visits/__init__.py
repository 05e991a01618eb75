"""visits — see ARCHITECTURE.md; not built yet."""
