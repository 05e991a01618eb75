"""Outbox job handlers of the core app (imported in CoreConfig.ready so they register)."""
