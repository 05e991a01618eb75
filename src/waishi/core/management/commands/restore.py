import sys

from django.core.management.base import BaseCommand

from waishi.core.backup import BackupError, RestoredButUnverified, describe, plural
from waishi.core.restore import restore_backup


class Command(BaseCommand):
    help = (
        "Restore a `waishi backup` archive: the database and the attachments. The whole archive is "
        "read and every checksum checked before anything changes; a damaged, altered or unsafe "
        "archive, or one for another database engine, is refused. Stop `waishi serve` and "
        "`waishi worker` first. Exit 0: restored and the audit chain verifies up to the tip the "
        "backup recorded; 2: refused, nothing changed; 1: restored, but the audit chain does not "
        "verify or WAISHI_FIELD_KEYS cannot decrypt its personal numbers. "
        "Example: waishi restore --force /srv/backups/waishi-2026-03-01.tar.gz"
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="an archive written by `waishi backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that already holds data (else such a restore is refused)",
        )

    def handle(self, *args, **options):
        try:
            restored = restore_backup(options["file"], force=options["force"])
        except RestoredButUnverified as exc:
            self.fail(exc, 1)
        except (BackupError, OSError) as exc:
            self.fail(exc, 2)
        manifest = restored.manifest
        files = plural(len(manifest["members"]) - 1, "attachment file")
        if restored.replaced:
            self.stdout.write(f"replaced {describe(restored.replaced)}")
        self.stdout.write(
            f"restored {options['file']} (made {manifest['created_at']} by waishi "
            f"{manifest['waishi_version']}): {files}; "
            f"audit chain intact, {restored.audit_events} events, tip matches the backup"
        )
        if restored.needs_migrate:
            self.stdout.write(
                "the restored database is older than this waishi: run `waishi manage migrate`"
            )

    def fail(self, problem: Exception, code: int):
        """One line on stderr, like every `waishi` command, and the exit code --help names."""
        self.stderr.write(f"waishi: {problem}")
        sys.exit(code)
