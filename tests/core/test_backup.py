"""`waishi backup FILE` / `waishi restore FILE`, run the way an administrator runs them.

Each site is a real installation in a subprocess: its own data dir with a SQLite file, or its own
throwaway PostgreSQL database. A template site is migrated and populated once per engine; each test
works on a clone of it.
"""

import contextlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import psycopg
import pytest
from cryptography.fernet import Fernet

from waishi.core import backup

ROOT = Path(__file__).resolve().parents[2]
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/postgres"

POPULATE = """
import django; django.setup()
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from waishi.core import services
city = services.unit_create(actor=None, code="CITY", name="江海市")
bureau = services.unit_create(actor=None, code="SWJ", name="市商务局", parent=city)
services.user_create(actor=None, username="liaison", password=None, unit=bureau)
default_storage.save("passports/zhang-wei.pdf", ContentFile(b"%PDF-1.4 passport scan"))
"""

STATE = """
import json, django; django.setup()
from pathlib import Path
from django.conf import settings
from waishi.core.audit import audit_verify
from waishi.core.models import AuditEvent, Unit, User
root = Path(settings.MEDIA_ROOT)
print(json.dumps({
    "units": {u.code: u.name for u in Unit.objects.all()},
    "users": sorted(User.objects.values_list("username", flat=True)),
    "audit_events": AuditEvent.objects.count(),
    "chain_ok": audit_verify().ok,
    "files": {p.relative_to(root).as_posix(): p.read_text()
              for p in sorted(root.rglob("*")) if p.is_file()},
}))
"""

CHANGE = """
import django; django.setup()
from django.conf import settings
from pathlib import Path
from waishi.core import services
from waishi.core.models import Unit, User
services.unit_update(actor=None, unit=Unit.objects.get(code="SWJ"), name="已改名")
services.unit_create(actor=None, code="NEW", name="新单位")
User.objects.filter(username="liaison").delete()
(Path(settings.MEDIA_ROOT) / "passports" / "zhang-wei.pdf").unlink()
(Path(settings.MEDIA_ROOT) / "added-later.txt").write_text("not in the backup")
"""

# Writes units through the service until told to stop, as a busy server would.
WRITER = """
import sys, django; django.setup()
from pathlib import Path
from waishi.core import services
started, stop = Path(sys.argv[1]), Path(sys.argv[2])
n = 0
while not stop.exists():
    n += 1
    services.unit_create(actor=None, code=f"W{n}", name=f"写入{n}")
    started.touch()
"""


@dataclass
class Site:
    engine: str
    data_dir: Path
    env: dict
    db_name: str = ""
    populated: dict | None = None  # the state right after POPULATE (templates only)

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def waishi(self, *args: str) -> subprocess.CompletedProcess:
        return self.run("-m", "waishi.cli", *args)

    def python(self, code: str) -> subprocess.CompletedProcess:
        result = self.run("-c", code)
        assert result.returncode == 0, result.stderr
        return result

    def state(self) -> dict:
        return json.loads(self.python(STATE).stdout)


def pg_server() -> dict:
    """The PostgreSQL server of the CI pass if there is one, else the local one."""
    url = os.environ.get("DATABASE_URL", "")
    parsed = dj_database_url.parse(url if url.startswith("postgres") else PG_DEFAULT)
    return {k.lower(): parsed[k] for k in ("HOST", "PORT", "USER", "PASSWORD") if parsed.get(k)}


def pg_admin(sql: str):
    with psycopg.connect(dbname="postgres", autocommit=True, **pg_server()) as conn:
        conn.execute(sql)


def pg_url(name: str) -> str:
    server = pg_server()
    auth = server["user"] + (f":{server['password']}" if server.get("password") else "")
    return f"postgres://{auth}@{server['host']}:{server.get('port', 5432)}/{name}"


def new_site(engine: str, data_dir: Path, template: "Site | None" = None) -> Site:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "WAISHI_DEMO"}}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        WAISHI_DATA_DIR=str(data_dir),
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    )
    site = Site(engine, data_dir, env)
    if engine == "postgresql":
        site.db_name = f"waishi_backup_{uuid.uuid4().hex[:12]}"
        clone = f' TEMPLATE "{template.db_name}"' if template else ""
        pg_admin(f'CREATE DATABASE "{site.db_name}"{clone}')
        env["DATABASE_URL"] = pg_url(site.db_name)
    return site


def drop(site: Site):
    if site.db_name:
        pg_admin(f'DROP DATABASE IF EXISTS "{site.db_name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """Migrated sites holding two units, a user (so audit events) and an attachment, by engine."""
    made: dict[str, Site] = {}

    def get(engine: str) -> Site:
        if engine not in made:
            site = new_site(engine, tmp_path_factory.mktemp("template") / "data")
            made[engine] = site
            migrated = site.waishi("manage", "migrate", "--verbosity=0")
            assert migrated.returncode == 0, migrated.stderr
            site.populated = json.loads(site.python(POPULATE + STATE).stdout)
        return made[engine]

    yield get
    for site in made.values():
        drop(site)


@pytest.fixture(params=["sqlite", "postgresql"])
def template(request, templates):
    return templates(request.param)


@pytest.fixture
def site(template, tmp_path):
    clone = new_site(template.engine, tmp_path / "data", template)
    shutil.copytree(template.data_dir, clone.data_dir)
    yield clone
    drop(clone)


@pytest.fixture
def archive(site, tmp_path) -> Path:
    path = tmp_path / "backups" / "waishi.tar.gz"
    path.parent.mkdir()
    result = site.waishi("backup", str(path))
    assert result.returncode == 0, result.stderr
    return path


def assert_refused(result: subprocess.CompletedProcess, *words: str, code: int = 2):
    assert result.returncode == code
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("waishi: ")
    for word in words:
        assert word in result.stderr


def test_restore_brings_back_data_and_attachments_as_they_were_at_backup(template, site, archive):
    changed = json.loads(site.python(CHANGE + STATE).stdout)
    assert changed["units"]["SWJ"] == "已改名" and "added-later.txt" in changed["files"]

    result = site.waishi("restore", "--force", str(archive))

    assert result.returncode == 0, result.stderr
    assert "audit chain intact" in result.stdout
    after = site.state()
    assert after == template.populated
    assert after["files"] == {"passports/zhang-wei.pdf": "%PDF-1.4 passport scan"}
    assert after["chain_ok"] and after["audit_events"] == 3


def test_backup_restores_into_a_new_empty_installation(template, archive, tmp_path):
    fresh = new_site(template.engine, tmp_path / "fresh")
    try:
        result = fresh.waishi("restore", str(archive))
        assert result.returncode == 0, result.stderr
        assert fresh.state() == template.populated
    finally:
        drop(fresh)


def test_backup_taken_while_the_app_writes_restores_with_its_chain_and_tip_intact(
    template, site, tmp_path
):
    started, stop, path = tmp_path / "started", tmp_path / "stop", tmp_path / "busy.tar.gz"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(started), str(stop)], env=site.env, cwd=ROOT
    )
    try:
        while not started.exists() and writer.poll() is None:
            time.sleep(0.05)
        made = site.waishi("backup", str(path))
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert made.returncode == 0, made.stderr
    fresh = new_site(template.engine, tmp_path / "fresh")
    try:
        result = fresh.waishi("restore", str(path))
        assert result.returncode == 0, result.stderr
        assert len(fresh.state()["units"]) > len(template.populated["units"])
    finally:
        drop(fresh)


def test_restore_over_existing_data_needs_force_and_says_what_it_would_replace(site, archive):
    changed = json.loads(site.python(CHANGE + STATE).stdout)

    result = site.waishi("restore", str(archive))

    assert_refused(result, "--force", "3 units", "5 audit events", "1 attachment file")
    assert site.state() == changed


def test_archive_holds_a_manifest_with_checksums_and_the_audit_tip(site, archive):
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[0] == "manifest.json"
    assert manifest["engine"] == site.engine
    assert manifest["audit_tip"]["seq"] == 3
    assert set(manifest["members"]) == set(names[1:])
    assert "media/passports/zhang-wei.pdf" in names
    assert oct(archive.stat().st_mode & 0o777) == "0o600"  # it holds personal data


# --- refusals: nothing changes ---------------------------------------------------------------


def damage_flip(path: Path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def damage_truncate(path: Path):
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) * 2 // 3])


def damage_garbage(path: Path):
    path.write_bytes(b"this is not an archive at all\n" * 10)


def rewrite(path: Path, members: list[tuple[tarfile.TarInfo, bytes]]):
    with tarfile.open(path, "w:gz") as tar:
        for info, data in members:
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)


def read_members(path: Path) -> list[tuple[tarfile.TarInfo, bytes]]:
    with tarfile.open(path) as tar:
        return [(m, tar.extractfile(m).read()) for m in tar.getmembers()]


def damage_member(path: Path):
    members = read_members(path)
    members = [(m, b"%PDF-1.4 forged" if m.name.startswith("media/") else d) for m, d in members]
    rewrite(path, members)


@pytest.fixture(scope="module")
def sqlite_backup(templates, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("backup") / "waishi.tar.gz"
    result = templates("sqlite").waishi("backup", str(path))
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def sqlite_site(templates, tmp_path):
    """Archive checks do not depend on the engine: they run once, on SQLite."""
    site = new_site("sqlite", tmp_path / "data")
    shutil.copytree(templates("sqlite").data_dir, site.data_dir)
    return site


@pytest.fixture
def sqlite_archive(sqlite_backup, tmp_path) -> Path:
    return Path(shutil.copy(sqlite_backup, tmp_path / "waishi.tar.gz"))


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file under the data dir (database, attachments, leftovers) with its checksum."""
    return {
        str(p.relative_to(folder)): backup.sha256_file(p) for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (damage_flip, "damaged"),
        (damage_truncate, "damaged"),
        (damage_garbage, "not a waishi backup"),
        (damage_member, "does not match its checksum"),
    ],
)
def test_damaged_or_altered_archive_is_refused_and_nothing_changes(
    sqlite_site, sqlite_archive, damage, words
):
    before = fingerprint(sqlite_site.data_dir)
    damage(sqlite_archive)

    result = sqlite_site.waishi("restore", "--force", str(sqlite_archive))

    assert_refused(result, words)
    assert fingerprint(sqlite_site.data_dir) == before


def unsafe_member(kind: str) -> tarfile.TarInfo:
    if kind == "symlink":
        info = tarfile.TarInfo("media/link")
        info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
        return info
    return tarfile.TarInfo(kind)


@pytest.mark.parametrize(
    "member", ["../outside.txt", "media/../../outside.txt", "/waishi-outside.txt", "symlink"]
)
def test_archive_with_a_member_escaping_its_folder_is_refused(sqlite_site, sqlite_archive, member):
    before = fingerprint(sqlite_site.data_dir)
    members = read_members(sqlite_archive)
    rewrite(sqlite_archive, [members[0], (unsafe_member(member), b"owned"), *members[1:]])

    result = sqlite_site.waishi("restore", "--force", str(sqlite_archive))

    assert_refused(result, "refusing the archive")
    assert not (sqlite_site.data_dir.parent / "outside.txt").exists()
    assert not Path("/waishi-outside.txt").exists()
    assert fingerprint(sqlite_site.data_dir) == before


def test_backup_of_another_engine_is_refused(site, archive, tmp_path):
    other = new_site("sqlite" if site.engine == "postgresql" else "postgresql", tmp_path / "other")
    try:
        result = other.waishi("restore", "--force", str(archive))
        assert_refused(result, f"holds a {site.engine} database", "nothing was changed")
    finally:
        drop(other)


def test_restore_of_a_backup_with_a_tampered_audit_chain_fails(sqlite_site, tmp_path):
    sqlite_site.python(
        "import django; django.setup()\n"
        "from waishi.core.models import AuditEvent\n"
        "AuditEvent.objects.filter(seq=2).update(object_repr='伪造')\n"
    )
    path = tmp_path / "tampered.tar.gz"
    assert sqlite_site.waishi("backup", str(path)).returncode == 0

    result = sqlite_site.waishi("restore", "--force", str(path))

    assert_refused(result, "audit chain is broken at event #2", code=1)


# --- backups are written whole or not at all ---------------------------------------------------


def test_attachment_changing_during_backup_fails_it_and_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "waishi.tar.gz"
    target.write_bytes(b"yesterday's backup")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"original")
    real_sha = backup.sha256_file

    def sha_then_someone_overwrites(path):
        digest = real_sha(path)
        if path == scan:
            scan.write_bytes(b"replaced by an upload")
        return digest

    def fake_dump(dest):
        dest.write_bytes(b"database")
        return {"seq": 0, "hash": ""}

    monkeypatch.setattr(backup, "engine", lambda: "sqlite")
    monkeypatch.setattr(backup, "dump_sqlite", fake_dump)
    monkeypatch.setattr(backup, "media_files", lambda: {"media/scan.pdf": scan})
    monkeypatch.setattr(backup, "sha256_file", sha_then_someone_overwrites)

    with pytest.raises(backup.BackupError, match="changed while it was being backed up"):
        backup.create_backup(target)

    assert target.read_bytes() == b"yesterday's backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scan.pdf", "waishi.tar.gz"]


def test_restore_refuses_while_another_process_has_the_sqlite_database_open(
    sqlite_site, sqlite_archive
):
    live = sqlite_site.data_dir / "waishi.sqlite3"
    before = backup.sha256_file(live)
    with contextlib.closing(sqlite3.connect(live)) as server:
        server.execute("SELECT count(*) FROM core_unit").fetchone()
        result = sqlite_site.waishi("restore", "--force", str(sqlite_archive))

    assert_refused(result, "in use", "stop `waishi serve`")
    assert backup.sha256_file(live) == before


def test_restore_with_a_different_field_key_says_the_personal_numbers_cannot_be_read(
    sqlite_site, tmp_path
):
    sqlite_site.python(
        "import django; django.setup()\n"
        "from waishi.core.models import Unit\n"
        "from waishi.people.models import Person\n"
        "Person.objects.create(name='张伟', unit=Unit.objects.get(code='SWJ'),\n"
        "                      id_number='110101199001011234')\n"
    )
    path = tmp_path / "with-people.tar.gz"
    assert sqlite_site.waishi("backup", str(path)).returncode == 0
    new_server = new_site("sqlite", tmp_path / "new-server")
    new_server.env["WAISHI_FIELD_KEYS"] = Fernet.generate_key().decode()

    result = new_server.waishi("restore", str(path))

    assert_refused(result, "cannot decrypt people.person.id_number", code=1)
