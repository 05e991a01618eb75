"""Outbox jobs of the evaluation app: opening evaluations, follow-ups, chasing."""
