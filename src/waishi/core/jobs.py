"""Outbox job handlers of the core app (imported in CoreConfig.ready so they register)."""

import logging
from datetime import time

from waishi.core.audit import audit_verify
from waishi.core.outbox import outbox_handler

logger = logging.getLogger("waishi.audit")


# Not atomic: a long read must not hold SQLite's write lock (IMMEDIATE transactions) meanwhile.
@outbox_handler("core.audit_verify_daily", atomic=False, daily_at=time(2, 30))
def audit_verify_daily(payload: dict) -> None:
    """Recompute the audit chain every night and raise the alarm in the logs if it is broken.

    A broken chain is logged, not raised: retrying cannot mend it, and the job did its work. The
    tip hash is logged too, so an operator can keep copies outside the database.
    """
    result = audit_verify()
    if result.ok:
        logger.info("audit chain intact: %s events, tip %s", result.checked, result.tip)
    else:
        logger.error("audit chain broken at event #%s: %s", result.broken_seq, result.problem)
