"""partners — see ARCHITECTURE.md; not built yet."""
