"""Outbound delegations (因公临时出国(境)团组): the application, its approval workflow, the trip.

models.py holds the data; workflow.py is the one transition table (and the only code that writes
`Delegation.status`); services.py every write; selectors.py every read, scoped to the user;
checks.py turns a delegation into the policy engine's plan and runs the check.
"""
