"""Load the demo data set (demo mode only): 江海市, its units, the demo logins, people."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from waishi.core.demo import load_demo


class Command(BaseCommand):
    help = "Load demo data into an empty database (demo mode only). Does nothing if already loaded."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=160, help="how many people to create")

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("demo data is only loaded in demo mode (waishi demo)")
        summary = load_demo(people=options["people"])
        if summary is None:
            self.stdout.write("demo data already loaded")
        else:
            self.stdout.write(
                f"demo data loaded: {summary['units']} units, {summary['users']} users, "
                f"{summary['people']} people, {summary['passports']} passports, "
                f"{summary['meetings']} meetings, {summary['delegations']} delegations, "
                f"{summary['work_items']} work plan items"
            )
