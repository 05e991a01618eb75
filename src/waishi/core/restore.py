"""Restore of a backup made by waishi.core.backup (the archive layout is described there).

Nothing changes until the whole archive has been read and every checksum matches; then the
database and the attachments are swapped in and the audit chain is recomputed.
"""

import contextlib
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, connections

from waishi import __version__
from waishi.core.audit import audit_verify
from waishi.core.backup import (
    ARCHIVE_ERRORS,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA_PREFIX,
    SHA256,
    STAGE_PREFIX,
    BackupError,
    Restored,
    RestoredButUnverified,
    copy_hashing,
    describe,
    engine,
    fsync_dir,
    media_files,
    media_root,
    run_pg_tool,
    sqlite_path,
)
from waishi.core.crypto import EncryptedTextField
from waishi.core.models import AuditEvent, AuditHead, Unit, User


def safe_name(member: tarfile.TarInfo) -> str:
    path = PurePosixPath(member.name)
    if path.is_absolute() or ".." in path.parts or "\\" in member.name:
        raise BackupError(f"refusing the archive: member {member.name!r} points outside its folder")
    if not member.isreg():
        raise BackupError(f"refusing the archive: member {member.name!r} is not a plain file")
    return path.as_posix()


def parse_manifest(raw: bytes, kind: str) -> dict:
    try:
        manifest = json.loads(raw)
        members = manifest["members"]
        ok = (
            manifest["format"] == FORMAT
            and isinstance(members, dict)
            and all(isinstance(v, str) and SHA256.fullmatch(v) for v in members.values())
            and manifest["database"] in members
            and "seq" in manifest["audit_tip"]
        )
    except (ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise BackupError("the archive's manifest is not a waishi backup manifest")
    if not isinstance(manifest.get("format_version"), int):
        raise BackupError("the archive's manifest is not a waishi backup manifest")
    if manifest["format_version"] > FORMAT_VERSION:
        raise BackupError(
            f"the backup is format {manifest['format_version']}, newer than this "
            f"waishi ({__version__}) reads; upgrade waishi first"
        )
    if manifest["engine"] != kind:
        raise BackupError(
            f"the backup holds a {manifest['engine']} database but waishi is "
            f"configured for {kind}; nothing was changed"
        )
    return manifest


def read_members(tar: tarfile.TarFile, kind: str, db_dest: Path, media_dest: Path) -> dict:
    """Stream every member to its staging place, checking it against the manifest."""
    manifest, seen = None, set()
    for member in tar:
        name = safe_name(member)
        if manifest is None:
            if name != MANIFEST:
                raise BackupError("the archive does not start with a manifest; not a waishi backup")
            manifest = parse_manifest(tar.extractfile(member).read(), kind)
            continue
        if name in seen or name not in manifest["members"]:
            raise BackupError(f"refusing the archive: {name} is not listed once in its manifest")
        if name == manifest["database"]:
            dest = db_dest
        elif name.startswith(MEDIA_PREFIX):
            dest = media_dest / name.removeprefix(MEDIA_PREFIX)
            dest.parent.mkdir(parents=True, exist_ok=True)
        else:
            raise BackupError(f"refusing the archive: unexpected member {name}")
        if copy_hashing(tar.extractfile(member), dest) != manifest["members"][name]:
            raise BackupError(
                f"{name} does not match its checksum: the backup is damaged or altered"
            )
        seen.add(name)
    if manifest is None:
        raise BackupError("the archive is empty; not a waishi backup")
    if missing := sorted(set(manifest["members"]) - seen):
        raise BackupError(f"the archive lacks {missing[0]}, listed in its manifest (truncated?)")
    return manifest


def read_archive(archive: Path, kind: str, db_dest: Path, media_dest: Path) -> dict:
    if not archive.is_file():
        raise BackupError(f"{archive}: no such file")
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            return read_members(tar, kind, db_dest, media_dest)
    except ARCHIVE_ERRORS as exc:
        raise BackupError(f"{archive} is damaged or not a waishi backup ({exc})") from None


# --- restore -------------------------------------------------------------------------------


def existing_data() -> dict[str, int]:
    """What a restore would replace: counts of the rows and files already there."""
    tables, counts = set(connection.introspection.table_names()), {}
    for label, model in (("unit", Unit), ("user", User), ("audit event", AuditEvent)):
        if model._meta.db_table in tables and (count := model.objects.count()):
            counts[label] = count
    if files := len(media_files()):
        counts["attachment file"] = files
    return counts


def replace_sqlite(staged: Path):
    live = sqlite_path()
    connections.close_all()
    wal, shm = (live.with_name(live.name + suffix) for suffix in ("-wal", "-shm"))
    if live.exists():
        # Closing the last connection checkpoints and deletes the WAL; if it stays, someone else
        # has the database open, and replacing the file under them would lose their writes.
        with contextlib.closing(sqlite3.connect(live)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if wal.exists():
            raise BackupError(
                "the database is in use (stop `waishi serve` and `waishi worker` "
                "first); nothing was changed"
            )
        shutil.copymode(live, staged)  # keep the live file's (restrictive) permissions
    live.parent.mkdir(parents=True, exist_ok=True)
    # A stale -shm must not be paired with the new file.
    with contextlib.suppress(FileNotFoundError):
        shm.unlink()
    os.replace(staged, live)
    fsync_dir(live.parent)


def restore_postgresql(dump: Path):
    connections.close_all()
    # One transaction: a failing statement leaves the database as it was.
    options = ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--no-password"]
    run_pg_tool(["pg_restore", *options, f"--dbname={connection.settings_dict['NAME']}", str(dump)])


def swap_media(staged: Path, aside: Path):
    """Move the attachments there now aside and the restored ones in. Renames stay inside
    MEDIA_ROOT, so this works when MEDIA_ROOT is a mount point of its own."""
    root = media_root()
    for entry in list(root.iterdir()):
        if not entry.name.startswith(STAGE_PREFIX):
            os.replace(entry, aside / entry.name)
    for entry in list(staged.iterdir()):
        os.replace(entry, root / entry.name)


def needs_migrate() -> bool:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def verify_restored(manifest: dict) -> int:
    """Recompute the restored chain; its tip must be the one the backup recorded."""
    result = audit_verify()
    if not result.ok:
        raise RestoredButUnverified(
            f"restored, but the audit chain is broken at event #{result.broken_seq}: "
            f"{result.problem}; treat this copy as suspect"
        )
    head = AuditHead.objects.filter(pk=1).values("seq", "hash").first() or {"seq": 0, "hash": ""}
    if (head["seq"], head["hash"]) != (manifest["audit_tip"]["seq"], manifest["audit_tip"]["hash"]):
        raise RestoredButUnverified(
            f"restored, but the audit chain ends at #{head['seq']} while the backup recorded "
            f"#{manifest['audit_tip']['seq']}"
        )
    if unreadable := unreadable_encrypted_fields():
        raise RestoredButUnverified(
            f"restored, but WAISHI_FIELD_KEYS cannot decrypt {unreadable[0]}: configure the key "
            "the backup was made with (backups never contain keys)"
        )
    return result.checked


def unreadable_encrypted_fields() -> list[str]:
    """Encrypted columns whose first stored value the configured keys cannot decrypt."""
    unreadable = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, EncryptedTextField):
                continue
            rows = model._base_manager.exclude(**{field.attname: ""}).exclude(
                **{f"{field.attname}__isnull": True}
            )
            try:
                rows.values_list(field.attname, flat=True).first()
            except ImproperlyConfigured:
                unreadable.append(f"{model._meta.label_lower}.{field.name}")
            except DatabaseError:  # a table the restored schema has not got yet (migrate)
                continue
    return unreadable


def restore_backup(archive: Path, *, force: bool = False) -> Restored:
    """Verify `archive` completely, then put its database and attachments in place."""
    kind, archive, root = engine(), Path(archive), media_root()
    root.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        stage = Path(
            stack.enter_context(tempfile.TemporaryDirectory(dir=root, prefix=STAGE_PREFIX))
        )
        db_stage = stage
        if kind == "sqlite":  # beside the live file, so that os.replace is one rename
            sqlite_path().parent.mkdir(parents=True, exist_ok=True)
            db_stage = Path(
                stack.enter_context(
                    tempfile.TemporaryDirectory(dir=sqlite_path().parent, prefix=STAGE_PREFIX)
                )
            )
        for folder in ("media", "aside"):
            (stage / folder).mkdir()
        manifest = read_archive(archive, kind, db_stage / "database", stage / "media")
        replaced = existing_data()
        if replaced and not force:
            raise BackupError(
                f"the target already holds {describe(replaced)}; restoring replaces "
                "them all, so run again with --force to go ahead"
            )
        if kind == "sqlite":
            replace_sqlite(db_stage / "database")
        else:
            restore_postgresql(db_stage / "database")
        swap_media(stage / "media", stage / "aside")
    events = verify_restored(manifest)
    return Restored(manifest, replaced, events, needs_migrate())
