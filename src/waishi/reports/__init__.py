"""reports — see ARCHITECTURE.md; not built yet."""
