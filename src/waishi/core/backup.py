"""Backup and restore: one .tar.gz holding a manifest, the database and the attachments.

    manifest.json      first member: format, versions, engine, the SHA-256 of every other member
                       and the audit chain's tip as it was in the copied database
    database.sqlite3   SQLite: a consistent copy made with SQLite's online backup API
    database.pgdump    PostgreSQL: `pg_dump -Fc` of an exported snapshot (the tip is read in it)
    media/...          every file under MEDIA_ROOT

A backup is written to a temp file beside FILE and renamed into place, so a failed run never leaves
half an archive. A restore changes nothing until the whole archive has been read and every checksum
matches; then it swaps the database and the attachments in, and recomputes the audit chain.
"""

import contextlib
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from waishi import __version__
from waishi.core.models import AuditHead

FORMAT = "waishi-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA_PREFIX = "media/"
STAGE_PREFIX = ".waishi-restore-"  # restore's work folders; never part of a backup
PG_VARS = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD",
           "NAME": "PGDATABASE"}  # fmt: skip
CHUNK = 1 << 20
SHA256 = re.compile(r"[0-9a-f]{64}")
# Damage in the compressed stream surfaces as any of these while members are read.
ARCHIVE_ERRORS = (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile)


class BackupError(Exception):
    """A backup or restore refused or failed, told in one line; nothing was changed."""


class RestoredButUnverified(Exception):
    """The data was restored, but its audit chain does not verify."""


@dataclass
class Restored:
    manifest: dict
    replaced: dict
    audit_events: int
    needs_migrate: bool


# --- small file helpers --------------------------------------------------------------------


class HashingReader:
    """Wraps a file so whatever reads it also feeds a SHA-256."""

    def __init__(self, fileobj):
        self.fileobj, self.sha = fileobj, hashlib.sha256()

    def read(self, size=-1):
        data = self.fileobj.read(size)
        self.sha.update(data)
        return data


def sha256_file(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            sha.update(chunk)
    return sha.hexdigest()


def copy_hashing(src, dest: Path) -> str:
    """Copy a stream to `dest` (fsynced) and return its SHA-256."""
    reader = HashingReader(src)
    with open(dest, "wb") as out:
        shutil.copyfileobj(reader, out, CHUNK)
        out.flush()
        os.fsync(out.fileno())
    return reader.sha.hexdigest()


def fsync_dir(path: Path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_target(target: Path):
    """Yield a file beside `target`; on success fsync it and rename it over `target`."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        fsync_dir(target.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def engine() -> str:
    if connection.vendor not in DB_MEMBERS:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {connection.vendor}")
    return connection.vendor


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def media_files() -> dict[str, Path]:
    """Regular files under MEDIA_ROOT by archive name (symlinks are not followed)."""
    root, found = media_root(), {}
    if not root.is_dir():
        return found
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(STAGE_PREFIX))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                found[MEDIA_PREFIX + path.relative_to(root).as_posix()] = path
    return found


# --- the database, per engine --------------------------------------------------------------


def sqlite_path() -> Path:
    return Path(connection.settings_dict["NAME"])


def sqlite_tip(conn: sqlite3.Connection) -> dict:
    table = AuditHead._meta.db_table
    try:
        row = conn.execute(f'SELECT seq, hash FROM "{table}" WHERE id = 1').fetchone()  # noqa: S608
    except sqlite3.OperationalError:
        raise BackupError("the database is not set up; run `waishi manage migrate` first") from None
    return {"seq": row[0], "hash": row[1]} if row else {"seq": 0, "hash": ""}


def dump_sqlite(dest: Path) -> dict:
    """Copy the live database page by page under one read snapshot; writers carry on (WAL)."""
    live = sqlite_path()
    if not live.is_file():
        raise BackupError(f"the database file {live} does not exist; nothing to back up")
    timeout = connection.settings_dict["OPTIONS"].get("timeout", 20)
    with (
        contextlib.closing(sqlite3.connect(live, timeout=timeout)) as src,
        contextlib.closing(sqlite3.connect(dest)) as dst,
    ):
        src.backup(dst)
        # A self-contained file: no -wal beside it is needed to read it.
        dst.execute("PRAGMA journal_mode=DELETE")
        if dst.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"the database file {live} fails SQLite's integrity check")
        return sqlite_tip(dst)


def pg_env() -> dict:
    """libpq settings as environment variables: the password never appears on a command line."""
    sd, env = connection.settings_dict, dict(os.environ)
    for key, var in PG_VARS.items():
        if sd.get(key):
            env[var] = str(sd[key])
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if sd.get("OPTIONS", {}).get(option):
            env[f"PG{option.upper()}"] = str(sd["OPTIONS"][option])
    return env


def run_pg_tool(argv: list[str]):
    exe = shutil.which(argv[0])
    if exe is None:
        raise BackupError(f"{argv[0]} not found; install the PostgreSQL client tools")
    result = subprocess.run(  # noqa: S603 -- fixed program, arguments built here
        [exe, *argv[1:]], env=pg_env(), capture_output=True, text=True, check=False
    )
    if result.returncode:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        raise BackupError(f"{argv[0]} failed: {lines[-1] if lines else result.returncode}")


def dump_postgresql(dest: Path) -> dict:
    """pg_dump inside a snapshot we hold, so the recorded tip is exactly the dumped one."""
    if AuditHead._meta.db_table not in connection.introspection.table_names():
        raise BackupError("the database is not set up; run `waishi manage migrate` first")
    if connection.in_atomic_block:
        raise BackupError("a backup must not run inside a transaction")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        head = AuditHead.objects.filter(pk=1).values("seq", "hash").first()
        options = ["--format=custom", f"--snapshot={snapshot}", "--no-password", f"--file={dest}"]
        run_pg_tool(["pg_dump", *options])
    return head or {"seq": 0, "hash": ""}


# --- backup --------------------------------------------------------------------------------


def add_member(tar: tarfile.TarFile, name: str, path: Path, expected: str):
    """Add one file, checking it still has the checksum the manifest already recorded."""
    with open(path, "rb") as fh:
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = os.fstat(fh.fileno()).st_size, int(time.time()), 0o600
        reader = HashingReader(fh)
        tar.addfile(info, reader)
    if reader.sha.hexdigest() != expected:
        raise BackupError(f"{name} changed while it was being backed up; run the backup again")


def add_bytes(tar: tarfile.TarFile, name: str, data: bytes):
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
    tar.addfile(info, io.BytesIO(data))


def create_backup(target: Path) -> dict:
    """Write the archive to `target` atomically and return its manifest."""
    target = Path(target).absolute()
    if not target.parent.is_dir():
        raise BackupError(f"cannot write {target}: {target.parent} is not a directory")
    kind = engine()
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".waishi-backup-") as work:
        db_file = Path(work) / DB_MEMBERS[kind]
        tip = dump_sqlite(db_file) if kind == "sqlite" else dump_postgresql(db_file)
        members = {DB_MEMBERS[kind]: db_file, **media_files()}
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "waishi_version": __version__,
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "engine": kind,
            "database": DB_MEMBERS[kind],
            "audit_tip": {"seq": tip["seq"], "hash": tip["hash"]},
            "members": {name: sha256_file(path) for name, path in members.items()},
        }
        with (
            atomic_target(target) as fh,
            tarfile.open(fileobj=fh, mode="w:gz", compresslevel=6) as tar,
        ):
            add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
            for name, path in members.items():
                add_member(tar, name, path, manifest["members"][name])
    return manifest


# --- reading and verifying an archive --------------------------------------------------------


def describe(counts: dict[str, int]) -> str:
    return ", ".join(plural(count, label) for label, count in counts.items()) or "nothing"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
