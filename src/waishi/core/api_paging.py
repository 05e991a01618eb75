"""Pagination bounds shared by every list endpoint of the API.

Offsets are capped far below 2**63: past that the databases cannot even express the query and
would answer with an error instead of an empty page.
"""

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000_000
