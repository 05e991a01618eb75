import sys

from django.core.management.base import BaseCommand

from waishi.core.backup import BackupError, create_backup, plural


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database and the attachments (MEDIA_ROOT) to FILE, "
        "a .tar.gz with a manifest of SHA-256 checksums and the audit chain's tip. SQLite is "
        "copied with its online backup API, PostgreSQL with pg_dump; the app may keep running. "
        "FILE appears only when complete; exit 2 with one line on stderr if the backup fails. "
        "Example: waishi backup /srv/backups/waishi-2026-03-01.tar.gz"
    )
    # A backup must work even when some page or setting elsewhere is broken.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "file", metavar="FILE", help="the archive to write (replaced if present)"
        )

    def handle(self, *args, **options):
        try:
            manifest = create_backup(options["file"])
        except (BackupError, OSError) as exc:
            self.fail(exc, 2)
        media = len(manifest["members"]) - 1
        tip = manifest["audit_tip"]["seq"]
        self.stdout.write(
            f"backup written to {options['file']}: {manifest['engine']} database, "
            f"{plural(media, 'attachment file')}, audit chain at event #{tip}"
        )

    def fail(self, problem: Exception, code: int):
        """One line on stderr, like every `waishi` command, and the exit code --help names."""
        self.stderr.write(f"waishi: {problem}")
        sys.exit(code)
