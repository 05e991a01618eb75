from django.core.management.base import BaseCommand, CommandError

from waishi.policy.perdiem import PerDiemError
from waishi.policy.services import perdiem_table_import


class Command(BaseCommand):
    help = (
        "Load a per-diem table (CSV: continent, country, cities, currency, lodging_cap, meals, "
        "incidentals) as a new version and make it the table in force. Older versions are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file")
        parser.add_argument("--label", required=True, help='e.g. "财行〔2026〕1号"')
        parser.add_argument("--source", default="", help="where the table comes from")
        parser.add_argument(
            "--inactive", action="store_true", help="load it without putting it in force"
        )

    def handle(self, *args, file, label, source, inactive, **options):
        try:
            version = perdiem_table_import(
                actor=None, source=file, label=label, activate=not inactive, note=source
            )
        except PerDiemError as error:
            raise CommandError(f"{file}: {error}") from None
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror or error}") from None
        state = "in force" if version.is_active else "not in force"
        self.stdout.write(f"loaded “{version.label}”: {version.row_count} rows, {state}")
