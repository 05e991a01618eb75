"""safety — see ARCHITECTURE.md; not built yet."""
