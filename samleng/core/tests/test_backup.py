"""`samleng backup` and `samleng restore` on the engine the tests run on (SQLite, or PostgreSQL with
DATABASE_URL): a database with records of every app and media files, backed up and restored into a new
database, holds exactly the same records and files; the backup shows no phone number or two-factor secret
once decrypted; a wrong key, an altered or cut file, and a database that holds records are refused."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from samleng.core import backup
from samleng.core.backup import BackupError
from samleng.core.models import AuditEntry
from samleng.core.tests import backup_world

SAMLENG = str(Path(sys.executable).parent / "samleng")
BACKUP_KEY = Fernet.generate_key().decode()
FIELD_KEY = Fernet.generate_key().decode()
PID = os.getpid()


def _url(name: str) -> str:
    conf = connection.settings_dict
    password = f":{conf['PASSWORD']}" if conf.get("PASSWORD") else ""
    return f"postgres://{conf['USER']}{password}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{name}"


class Place:
    """A database and a data folder of their own for a Samleng run in other processes."""

    def __init__(self, root: Path, name: str):
        self.folder = root / name
        self.folder.mkdir()
        self.media = self.folder / "media"
        self.name = f"samleng_backup_{name}_{PID}"
        postgres = connection.vendor == "postgresql"
        self.url = _url(self.name) if postgres else f"sqlite:///{self.folder / 'samleng.sqlite3'}"
        self.env = {**os.environ, "DATABASE_URL": self.url, "SAMLENG_DATA_DIR": str(self.folder),
                    "SAMLENG_MEDIA_ROOT": str(self.media), "SAMLENG_BACKUP_KEY": BACKUP_KEY,
                    "SAMLENG_FIELD_KEY": FIELD_KEY, "SAMLENG_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "samleng.settings"}

    def run(self, *args: str, ok: bool = True, **env: str) -> subprocess.CompletedProcess:
        done = subprocess.run(args, env={**self.env, **env}, capture_output=True, text=True, timeout=600)
        if ok:
            assert done.returncode == 0, done.stderr[-3000:]
        return done

    def samleng(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return self.run(SAMLENG, *args, **kwargs)

    def dump(self) -> dict:
        out = self.folder / "dump.json"
        self.run(sys.executable, "-m", "samleng.core.tests.backup_world", "dump", str(out))
        return json.loads(out.read_text(encoding="utf-8"))

    def files(self) -> dict[str, bytes]:
        return {p.relative_to(self.media).as_posix(): p.read_bytes() for p in self.media.rglob("*") if p.is_file()}


def _drop(names: list[str], django_db_blocker) -> None:
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        for name in names:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def source(tmp_path_factory, django_db_blocker):
    """The demo, with what it lacks for every app to hold records, and its backup."""
    root = tmp_path_factory.mktemp("backup")
    place = Place(root, "source")
    names = [place.name, f"samleng_backup_restored_{PID}", f"samleng_backup_tampered_{PID}"]
    _drop(names, django_db_blocker)
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{place.name}"')
    place.samleng("setup", "--demo")
    place.run(sys.executable, "-m", "samleng.core.tests.backup_world", "fill")
    place.archive = root / "samleng.backup"
    done = place.samleng("backup", str(place.archive))
    assert f"Wrote {place.archive}" in done.stdout
    place.records = place.dump()
    yield place
    _drop(names, django_db_blocker)


def test_the_round_trip_is_exact(source, tmp_path):
    restored = Place(tmp_path, "restored")  # on PostgreSQL, a database that does not exist yet
    done = restored.samleng("restore", str(source.archive))
    assert "restored, then migrated" in done.stdout
    records = restored.dump()
    assert records == source.records
    assert sum(len(rows) for rows in records.values()) > 20_000
    assert any("backup samleng.backup written" in str(row) for row in records["core.auditentry"])
    assert source.files() == restored.files()
    assert {name.split("/")[0] for name in restored.files()} == {"comments", "evidence", "imports"}
    again = restored.samleng("restore", str(source.archive), ok=False)
    assert again.returncode and "holds records" in again.stderr


def test_a_tampered_backup_is_refused_and_nothing_is_written(source, tmp_path, django_db_blocker):
    data = bytearray(source.archive.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered_file = tmp_path / "tampered.backup"
    tampered_file.write_bytes(bytes(data))
    tampered = Place(tmp_path, "tampered")
    done = tampered.samleng("restore", str(tampered_file), ok=False)
    assert done.returncode and "damaged or has been altered" in done.stderr
    assert not tampered.media.exists()
    if connection.vendor == "sqlite":
        assert not (tampered.folder / "samleng.sqlite3").exists() or not backup_holds_tables(tampered)
    else:  # not even created
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [tampered.name])
            assert cursor.fetchone() is None


def backup_holds_tables(place: Place) -> bool:
    import sqlite3

    with sqlite3.connect(place.folder / "samleng.sqlite3") as db:
        return bool(db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0])


def _plain(path: Path) -> bytes:
    with backup.open_archive(path).plain() as stream:
        return stream.read()


def test_no_phone_number_nor_two_factor_secret_in_clear(source, settings):
    settings.BACKUP_KEYS = [BACKUP_KEY]
    plain = _plain(source.archive)
    assert len(plain) > 1_000_000
    assert b"Boeung Chang Boeung Prang" in plain  # the records are readable: a search would find them
    for secret in (backup_world.PHONE, backup_world.PHONE.replace(" ", ""), backup_world.TELEGRAM,
                   backup_world.TOTP_SECRET, backup_world.COMMENT_EMAIL, str(backup_world.TELEGRAM_CHAT),
                   "099 522 976"):  # the last: a demo representative's phone
        assert secret.encode() not in plain, secret
        assert secret.encode("utf-16-le") not in plain, secret


def test_the_header_names_the_format_and_the_schema(source, settings):
    settings.BACKUP_KEYS = [BACKUP_KEY]
    header, _, _ = backup.read_header(source.archive)
    assert header["format"] == "samleng-backup" and header["version"] == 1
    assert header["engine"] == connection.vendor
    latest = dict(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())
    assert {app: header["schema"][app] for app in ("core", "cbos", "accounts")} == {
        app: latest[app] for app in ("core", "cbos", "accounts")}
    assert header["cipher"] == "AES-256-GCM"
    out = StringIO()
    call_command("restore", "--check", str(source.archive), stdout=out)
    assert "3 media files, whole and unaltered" in out.getvalue()


@pytest.mark.parametrize("damage", ["header", "part", "cut", "appended", "dropped"])
def test_every_damage_is_refused(source, settings, tmp_path, damage):
    settings.BACKUP_KEYS = [BACKUP_KEY]
    data = source.archive.read_bytes()
    _, _, offset = backup.read_header(source.archive)
    if damage == "header":  # the clear header is authenticated with every part
        data = data.replace(b'"created_at": "2', b'"created_at": "1', 1)
    elif damage == "part":
        data = data[:offset + 100] + bytes([data[offset + 100] ^ 0x80]) + data[offset + 101:]
    elif damage == "cut":
        data = data[:-50]
    elif damage == "appended":
        data = data + b"\x00" * 10
    else:  # the last part dropped: the file still ends where a part ends
        data = _without_last_part(data, offset)
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(data)
    with pytest.raises(BackupError, match="damaged|altered|incomplete"):
        backup.archive_check(damaged)


def _without_last_part(data: bytes, offset: int) -> bytes:
    position, starts = offset, []
    while position < len(data):
        starts.append(position)
        _, length = backup._PART.unpack(data[position:position + backup._PART.size])
        position += backup._PART.size + length
    return data[:starts[-1]]  # with one part, the header alone


def test_a_wrong_key_or_no_key_is_refused(source, settings, tmp_path):
    settings.BACKUP_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(BackupError, match="another SAMLENG_BACKUP_KEY"):
        backup.archive_check(source.archive)
    with pytest.raises(CommandError, match="another SAMLENG_BACKUP_KEY"):  # before the database is touched
        call_command("restore", str(source.archive))
    settings.BACKUP_KEYS = [Fernet.generate_key().decode(), BACKUP_KEY]  # an older key still restores
    assert backup.archive_check(source.archive)["media_files"] == 3  # evidence, a workbook, a comment's photo
    settings.BACKUP_KEYS = []
    with pytest.raises(BackupError, match="Set SAMLENG_BACKUP_KEY"):
        backup.archive_check(source.archive)
    settings.BACKUP_KEYS = ["too-short"]
    with pytest.raises(BackupError, match="32 random bytes"):
        backup.backup_keys()
    settings.BACKUP_KEYS = [settings.FIELD_ENCRYPTION_KEYS[0]]
    with pytest.raises(BackupError, match="must not be a field key"):
        backup.backup_keys()
    other = tmp_path / "other"
    other.write_bytes(b"PK\x03\x04 not a backup")
    with pytest.raises(BackupError, match="is not a Samleng backup"):
        backup.read_header(other)


@pytest.mark.django_db
def test_a_database_that_holds_records_is_refused(source, settings):
    settings.BACKUP_KEYS = [BACKUP_KEY]
    with pytest.raises(BackupError, match="holds records"):  # the test database holds the gazetteer
        backup.restore(source.archive)
    assert backup.unknown_migrations({"core": "0001_initial"}) == []
    assert backup.unknown_migrations({"core": "9999_from_the_future"}) == ["core.9999_from_the_future"]


@pytest.mark.django_db
def test_the_command_writes_to_the_audit_log_and_a_small_chunk_size_round_trips(settings, tmp_path, world,
                                                                                 monkeypatch):
    settings.BACKUP_KEYS = [BACKUP_KEY]
    if connection.vendor == "sqlite":  # the test's transaction stays open: SQLite refuses a snapshot in it
        with pytest.raises(BackupError, match="outside a transaction"):
            backup.backup_write(tmp_path / "refused.backup")

        def copy(folder):
            (folder / "samleng.sqlite3").write_bytes(os.urandom(50_000))
            return folder / "samleng.sqlite3", backup.SQLITE_MEMBER

        monkeypatch.setattr(backup, "_database_copy", copy)

        def runtime_copy(folder):  # the runtime database beside it (core/routers.py), in the test's transaction too
            (folder / "runtime.sqlite3").write_bytes(os.urandom(5_000))
            return folder / "runtime.sqlite3", backup.RUNTIME_MEMBER

        monkeypatch.setattr(backup, "_runtime_copy", runtime_copy)
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "evidence").mkdir(parents=True)
    (tmp_path / "media" / "evidence" / "photo.jpg").write_bytes(os.urandom(300_000))
    path = tmp_path / "small.backup"
    with pytest.raises(CommandError, match="is a folder"):
        call_command("backup", str(tmp_path), stdout=StringIO())
    call_command("backup", str(path), stdout=StringIO())
    entry = AuditEntry.objects.get(object_type="core.backup")
    assert entry.action == AuditEntry.Action.EXPORT_PERSONAL and "small.backup" in entry.summary
    header = backup.backup_write(tmp_path / "tiny.backup", chunk_size=4096)  # many parts
    assert header["media_files"] == 1
    assert backup.archive_check(tmp_path / "tiny.backup")["media_files"] == 1
    with pytest.raises(BackupError, match="damaged|altered|incomplete"):
        data = (tmp_path / "tiny.backup").read_bytes()
        (tmp_path / "cut.backup").write_bytes(_without_last_part(data, backup.read_header(tmp_path / "tiny.backup")[2]))
        backup.archive_check(tmp_path / "cut.backup")
