"""`waishi audit verify`: recompute the audit chain; exit 0 intact, 1 at the first broken event."""

import sys

from django.core.management.base import BaseCommand

from waishi.core.audit import audit_verify


class Command(BaseCommand):
    help = (
        "Recompute the hash chain of the audit log. Exit 0 and print the number of events when it "
        "is intact; exit 1 naming the first event that was edited, deleted, inserted or reordered."
    )

    def handle(self, *args, **options):
        result = audit_verify()
        if not result.ok:
            self.stderr.write(f"audit chain broken at event #{result.broken_seq}: {result.problem}")
            sys.exit(1)
        self.stdout.write(f"audit chain intact: {result.checked} events")
        if options["verbosity"] > 1:
            self.stdout.write(f"tip: {result.tip}")
