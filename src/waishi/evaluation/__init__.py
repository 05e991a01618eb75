"""evaluation — see ARCHITECTURE.md; not built yet."""
