"""delegations — see ARCHITECTURE.md; not built yet."""
