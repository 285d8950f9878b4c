"""Backups: one file holding the database and the media files, encrypted with a key of its own
(`SAMLENG_BACKUP_KEY`, never the field key), and their restoring into a new, empty database.

The archive (format "samleng-backup", version 1):

    b"SAMLENG-BACKUP\\n"                 magic
    uint32 big-endian                   length of the header
    header                              JSON, UTF-8, in clear: what the file is (format, version, engine,
                                        schema: the latest applied migration of each app, when, the key's
                                        fingerprint, the cipher and its salt); authenticated with every part
    parts, one after another:
        uint8 flag (1 on the last part), uint32 big-endian length, AES-256-GCM ciphertext with its tag

The parts, decrypted and put end to end, are a zlib stream of a tar stream: `database/samleng.sqlite3` (an
SQLite database copied by SQLite's online backup API) and `database/runtime.sqlite3` (the runtime database beside
it: sessions, rate limits, the logins' queued audit entries; core/routers.py), or `database/samleng.pgdump`
(`pg_dump --format=custom`; PostgreSQL keeps everything in one database), then `media/...`, every file under
MEDIA_ROOT. Each part is at most CHUNK_SIZE bytes of compressed data, so neither writing nor reading ever holds
the database in memory. The AES key of a file is derived (HKDF-SHA256) from the backup key and a random salt
of the header; a part's nonce is its index, and its associated data the header's SHA-256, its index and its
flag: a part changed, moved, dropped or added, a header changed, or a file cut short, is refused.

Personal data stays as the database holds it: phone numbers, Telegram ids and two-factor secrets encrypted
with the field key (a restored database needs that key too: keep retired field keys as long as the
backups made under them)."""

import base64
import binascii
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections, router
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from samleng.core.crypto import field_key_ids, key_id

MAGIC = b"SAMLENG-BACKUP\n"
FORMAT = "samleng-backup"
VERSION = 1
CHUNK_SIZE = 1 << 20  # compressed bytes per encrypted part
_PART = struct.Struct(">BI")
_HEADER_LENGTH = struct.Struct(">I")
_MAX_HEADER = 1 << 20
_INFO = b"samleng-backup 1"
SQLITE_MEMBER = "database/samleng.sqlite3"
PGDUMP_MEMBER = "database/samleng.pgdump"
RUNTIME_MEMBER = "database/runtime.sqlite3"
MEDIA = "media"
#: Tables that `migrate` fills by itself: a database holding only these holds no records.
_NOT_RECORDS = {"contenttypes.contenttype", "auth.permission", "sessions.session"}


class BackupError(Exception):
    """A backup or a restore that cannot be done; the message says why, for the person running it."""


# ---- keys ------------------------------------------------------------------------------------------------

def backup_keys() -> list[tuple[str, bytes]]:
    """The backup keys (fingerprint, 32 bytes), newest first. Refuses none, a malformed one, or a field key."""
    keys = list(settings.BACKUP_KEYS)
    if not keys:
        raise BackupError("Set SAMLENG_BACKUP_KEY: backups are encrypted with a key of their own (README, Backups). "
                          "Make one with: python3 -c \"from cryptography.fernet import Fernet; "
                          "print(Fernet.generate_key().decode())\"")
    if set(keys) & set(settings.FIELD_ENCRYPTION_KEYS):
        raise BackupError("SAMLENG_BACKUP_KEY must not be a field key (SAMLENG_FIELD_KEY): losing or rotating the "
                          "field key must not lose the backups. Make a key of its own.")
    found = []
    for key in keys:
        try:
            raw = base64.urlsafe_b64decode(key.encode())
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 32:
            raise BackupError("SAMLENG_BACKUP_KEY must be 32 random bytes in url-safe base64 (44 characters), "
                              "as Fernet.generate_key() makes them.")
        found.append((key_id(key), raw))
    return found


def _cipher(key: bytes, salt: bytes) -> AESGCM:
    return AESGCM(HKDF(algorithm=SHA256(), length=32, salt=salt, info=_INFO).derive(key))


def _nonce(index: int) -> bytes:
    return struct.pack(">4xQ", index)


def _associated(digest: bytes, index: int, flag: int) -> bytes:
    return digest + struct.pack(">QB", index, flag)


# ---- the encrypted stream --------------------------------------------------------------------------------

class _Sealer(io.RawIOBase):
    """What is written is compressed, cut into parts of CHUNK_SIZE, and each part encrypted to `out`."""

    def __init__(self, out, cipher: AESGCM, digest: bytes, chunk_size: int = CHUNK_SIZE):
        self._out, self._cipher, self._digest, self._size = out, cipher, digest, chunk_size
        self._zip = zlib.compressobj(6)
        self._buffer = bytearray()
        self._index = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._buffer += self._zip.compress(data)
        while len(self._buffer) >= self._size:
            self._seal(bytes(self._buffer[:self._size]), last=False)
            del self._buffer[:self._size]
        return len(data)

    def finish(self) -> None:
        self._buffer += self._zip.flush()
        while len(self._buffer) > self._size:
            self._seal(bytes(self._buffer[:self._size]), last=False)
            del self._buffer[:self._size]
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()

    def _seal(self, plain: bytes, *, last: bool) -> None:
        flag = 1 if last else 0
        sealed = self._cipher.encrypt(_nonce(self._index), plain, _associated(self._digest, self._index, flag))
        self._out.write(_PART.pack(flag, len(sealed)))
        self._out.write(sealed)
        self._index += 1


class _Opener(io.RawIOBase):
    """Reads the parts after the header, checks each before giving a byte of it, and gives the plain
    stream; at its end, that the last part was there (a file cut short is refused)."""

    def __init__(self, source, cipher: AESGCM, digest: bytes):
        self._source, self._cipher, self._digest = source, cipher, digest
        self._unzip = zlib.decompressobj()
        self._pending = b""
        self._index = 0
        self._ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending and not self._ended:
            self._pending = self._next()
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def _next(self) -> bytes:
        head = self._source.read(_PART.size)
        if len(head) < _PART.size:
            raise BackupError("The backup file is incomplete: it ends before its last part. Nothing was restored.")
        flag, length = _PART.unpack(head)
        sealed = self._source.read(length)
        if flag not in (0, 1) or len(sealed) < length:
            raise BackupError("The backup file is incomplete or damaged. Nothing was restored.")
        try:
            compressed = self._cipher.decrypt(_nonce(self._index), sealed,
                                              _associated(self._digest, self._index, flag))
        except InvalidTag:
            raise BackupError(f"The backup file is damaged or has been altered (part {self._index + 1} does not "
                              f"authenticate). Nothing was restored.") from None
        self._index += 1
        plain = self._unzip.decompress(compressed)
        if flag:
            if self._source.read(1):
                raise BackupError("The backup file goes on after its last part: it has been altered. "
                                  "Nothing was restored.")
            plain += self._unzip.flush()
            self._ended = True
        return plain


@dataclass
class Archive:
    """An opened backup file: its header, and `plain()`, its decrypted tar stream (checked as it is read)."""

    path: Path
    header: dict
    _cipher: AESGCM
    _digest: bytes
    _offset: int

    @contextmanager
    def plain(self) -> Iterator[io.BufferedReader]:
        with open(self.path, "rb") as source:
            source.seek(self._offset)
            yield io.BufferedReader(_Opener(source, self._cipher, self._digest), buffer_size=CHUNK_SIZE)


def read_header(path) -> tuple[dict, bytes, int]:
    """The header of the backup at `path`, the SHA-256 of what precedes the parts, and where they start."""
    path = Path(path)
    with open(path, "rb") as source:
        magic = source.read(len(MAGIC))
        length = source.read(_HEADER_LENGTH.size)
        if magic != MAGIC or len(length) < _HEADER_LENGTH.size:
            raise BackupError(f"{path} is not a Samleng backup.")
        (size,) = _HEADER_LENGTH.unpack(length)
        raw = source.read(size) if size <= _MAX_HEADER else b""
        if len(raw) != size or not raw:
            raise BackupError(f"The backup file {path} is damaged: its header is cut short.")
    try:
        header = json.loads(raw.decode())
    except (UnicodeDecodeError, ValueError):
        raise BackupError(f"The backup file {path} is damaged: its header cannot be read.") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Samleng backup.")
    if header.get("version") != VERSION:
        raise BackupError(f"{path} is a backup of format version {header.get('version')}; this Samleng reads "
                          f"version {VERSION}.")
    return header, hashlib.sha256(magic + length + raw).digest(), len(magic) + len(length) + size


def open_archive(path) -> Archive:
    """The backup at `path`, opened with the backup key it names (BackupError with another key)."""
    header, digest, offset = read_header(path)
    keys = dict(backup_keys())
    key = keys.get(header.get("key_id", ""))
    if key is None:
        raise BackupError(f"This backup was encrypted with another SAMLENG_BACKUP_KEY (key {header.get('key_id')}; "
                          f"the keys set here: {', '.join(keys)}). Nothing was restored.")
    try:
        salt = base64.b64decode(header["salt"])
    except (KeyError, binascii.Error, TypeError):
        raise BackupError(f"The backup file {path} is damaged: its header has no salt.") from None
    return Archive(Path(path), header, _cipher(key, salt), digest, offset)


# ---- the schema ------------------------------------------------------------------------------------------

def applied_schema() -> dict[str, str]:
    """Each app's latest applied migration, by app label (the schema a backup holds)."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    latest: dict[str, tuple[int, str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        node = (app, name)
        depth = len(loader.graph.forwards_plan(node)) if node in loader.graph.nodes else 0
        if (depth, name) > latest.get(app, (-1, "")):
            latest[app] = (depth, name)
    return {app: name for app, (_, name) in sorted(latest.items())}


def unknown_migrations(schema: dict[str, str]) -> list[str]:
    """The migrations of `schema` that this Samleng does not have (a backup of a newer version)."""
    nodes = MigrationLoader(None, ignore_no_migrations=True).graph.nodes
    return [f"{app}.{name}" for app, name in sorted(schema.items()) if (app, name) not in nodes]


# ---- writing a backup ------------------------------------------------------------------------------------

def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups are made of SQLite and PostgreSQL databases, not {vendor}.")
    return vendor


def media_files() -> Iterator[tuple[Path, str]]:
    """Every file under MEDIA_ROOT, with its name in the archive, in a stable order."""
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path, f"{MEDIA}/{path.relative_to(root).as_posix()}"


def _pg_environment() -> dict[str, str]:
    """The libpq environment that names the database of DATABASE_URL (pg_dump, pg_restore)."""
    conf = connection.settings_dict
    env = {**os.environ}
    for variable, value in (("PGHOST", conf.get("HOST")), ("PGPORT", conf.get("PORT")), ("PGUSER", conf.get("USER")),
                            ("PGPASSWORD", conf.get("PASSWORD")), ("PGDATABASE", conf.get("NAME"))):
        if value:
            env[variable] = str(value)
    if conf.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = conf["OPTIONS"]["sslmode"]
    return env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed: PostgreSQL databases are {what} with it "
                          f"(Debian: apt-get install postgresql-client).")
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _runtime_connection():
    """The connection of the runtime database when it is a file of its own (SQLite), else None."""
    from samleng.core.routers import RUNTIME, runtime_alias

    return connections[RUNTIME] if runtime_alias() == RUNTIME else None


def _sqlite_copy(source, target: Path) -> None:
    if source.in_atomic_block:  # SQLite would wait for ever for the transaction to end
        raise BackupError("A backup of SQLite is taken outside a transaction.")
    source.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        source.connection.backup(copy)  # SQLite's online backup API: one consistent snapshot
    finally:
        copy.close()


def _runtime_copy(folder: Path) -> tuple[Path, str] | None:
    """A copy of the runtime database (SQLite) in `folder`, and its name in the archive; None without one."""
    runtime = _runtime_connection()
    if runtime is None:
        return None
    target = folder / "runtime.sqlite3"
    _sqlite_copy(runtime, target)
    return target, RUNTIME_MEMBER


def _database_copy(folder: Path) -> tuple[Path, str]:
    """A consistent copy of the database in `folder`, and its name in the archive."""
    if _engine() == "sqlite":
        target = folder / "samleng.sqlite3"
        _sqlite_copy(connection, target)
        return target, SQLITE_MEMBER
    target = folder / "samleng.pgdump"
    # Not compressed by pg_dump: the whole archive is.
    _run(["pg_dump", "--format=custom", "--compress=0", "--no-owner", "--no-privileges", "--file", str(target)],
         _pg_environment(), "backed up")
    return target, PGDUMP_MEMBER


def backup_write(path, *, chunk_size: int = CHUNK_SIZE) -> dict:
    """Write the backup of the database and the media files to `path` (replaced only once it is whole).
    Returns its header, with `media_files` and `bytes` added."""
    keys = backup_keys()
    path = Path(path)
    engine = _engine()
    header = {
        "format": FORMAT, "version": VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "engine": engine, "schema": applied_schema(),
        "key_id": keys[0][0], "field_key_ids": field_key_ids(),
        "cipher": "AES-256-GCM", "kdf": "HKDF-SHA256", "salt": base64.b64encode(os.urandom(16)).decode(),
        "compression": "zlib", "chunk_size": chunk_size,
        "database": SQLITE_MEMBER if engine == "sqlite" else PGDUMP_MEMBER,
    }
    if _runtime_connection() is not None:
        header["runtime_database"] = RUNTIME_MEMBER
    raw = json.dumps(header, ensure_ascii=False, sort_keys=True).encode()
    prefix = MAGIC + _HEADER_LENGTH.pack(len(raw)) + raw
    cipher = _cipher(keys[0][1], base64.b64decode(header["salt"]))
    partial = path.with_name(f".{path.name}.partial")
    media = 0
    with tempfile.TemporaryDirectory(prefix="samleng-backup-") as folder:
        # The runtime file first: an audit entry moved from its queue into the log in between is then in both
        # copies (and not written twice when it is moved again after a restore), rather than in neither.
        runtime = _runtime_copy(Path(folder)) if "runtime_database" in header else None
        database, member = _database_copy(Path(folder))
        try:
            with open(partial, "wb") as out:
                out.write(prefix)
                sealer = _Sealer(out, cipher, hashlib.sha256(prefix).digest(), chunk_size)
                with tarfile.open(fileobj=sealer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                    tar.add(database, arcname=member)
                    database.unlink()
                    if runtime is not None:
                        tar.add(runtime[0], arcname=runtime[1])
                        runtime[0].unlink()
                    for file, name in media_files():
                        try:
                            tar.add(file, arcname=name)
                        except FileNotFoundError:  # deleted since the folder was listed: not to be kept
                            continue
                        media += 1
                sealer.finish()
                out.flush()
                os.fsync(out.fileno())
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
    return {**header, "media_files": media, "bytes": path.stat().st_size}


# ---- restoring -------------------------------------------------------------------------------------------

def tables_with_records() -> list[str]:
    """The models whose tables hold rows (empty: a new database, or one only migrated), in whichever database
    each is (the runtime one too)."""
    tables: dict[str, set[str]] = {}
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label_lower in _NOT_RECORDS:
            continue
        alias = router.db_for_read(model)
        if alias not in tables:
            tables[alias] = set(connections[alias].introspection.table_names())
        if meta.db_table in tables[alias] and model._base_manager.using(alias).exists():
            found.append(meta.label_lower)
    return found


def _pg_database_exists() -> bool:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [connection.settings_dict["NAME"]])
        return cursor.fetchone() is not None


def _check_target(header: dict) -> bool:
    """Refuse a target on another engine or holding records. Returns whether the database exists."""
    engine = _engine()
    if header.get("engine") != engine:
        raise BackupError(f"This backup is of a {header.get('engine')} database and DATABASE_URL names a {engine} "
                          f"one: restore it on the same engine.")
    unknown = unknown_migrations(header.get("schema", {}))
    if unknown:
        raise BackupError(f"This backup comes from a newer Samleng (its migrations {', '.join(unknown)} are not "
                          f"known here): restore it with that version.")
    exists = engine == "sqlite" or _pg_database_exists()
    if exists:
        held = tables_with_records()
        if held:
            raise BackupError(f"The database {connection.settings_dict['NAME']} holds records ({', '.join(held[:5])}"
                              f"{'...' if len(held) > 5 else ''}): a backup is restored only into a new, empty "
                              f"database. Nothing was restored.")
    return exists


def _unpack(archive: Archive, folder: Path | None) -> int:
    """Decrypt and unpack the whole archive into `folder` (or only read it through, with None): every part
    is checked before anything is restored. Returns the number of media files."""
    media, database, runtime = 0, False, not archive.header.get("runtime_database")
    with archive.plain() as stream:
        try:
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                for member in tar:
                    if not member.isfile():
                        continue
                    database = database or member.name == archive.header.get("database")
                    runtime = runtime or member.name == archive.header.get("runtime_database")
                    media += member.name.startswith(f"{MEDIA}/")
                    if folder is not None:
                        tar.extract(member, folder, filter="data")
        except (tarfile.TarError, zlib.error) as error:
            raise BackupError(f"The backup's contents cannot be read ({error}). Nothing was restored.") from None
        while stream.read(CHUNK_SIZE):  # to the last part, so that a file cut short is noticed
            pass
    if not database or not runtime:
        raise BackupError("The backup holds no database. Nothing was restored.")
    return media


def archive_check(path) -> dict:
    """Read the backup at `path` through with the backup key, checking every part, and write nothing.
    Returns its header, with `media_files` added (BackupError for a wrong key, or a damaged or altered file)."""
    archive = open_archive(path)
    return {**archive.header, "media_files": _unpack(archive, None)}


def _restore_sqlite(database: Path, target=connection) -> None:
    target.close()
    target.ensure_connection()
    source = sqlite3.connect(database)
    try:
        source.backup(target.connection)  # replaces every page of the (empty) database
    finally:
        source.close()
    target.close()


def _restore_postgresql(database: Path, exists: bool) -> None:
    name = connection.settings_dict["NAME"]
    connection.close()
    quoted = connection.ops.quote_name(name)
    if not exists:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {quoted} ENCODING 'UTF8'")
    else:  # empty of records, but perhaps migrated: start from nothing, as pg_dump's schema expects
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        connection.close()
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          "--dbname", name, str(database)], _pg_environment(), "restored")
    connection.close()


def restore(path) -> dict:
    """Restore the backup at `path` into the database of DATABASE_URL (new or empty: BackupError otherwise;
    a PostgreSQL database is created when it does not exist), then migrate it to this Samleng's schema and
    put the media files back under MEDIA_ROOT. The whole file is checked before anything is written.
    Returns the header, with `media_files` added."""
    archive = open_archive(path)
    header = archive.header
    _check_target(header)
    with tempfile.TemporaryDirectory(prefix="samleng-restore-") as folder:
        folder = Path(folder)
        media = _unpack(archive, folder)
        exists = _check_target(header)  # again: nothing may have been written meanwhile
        database = folder / header["database"]
        if header["engine"] == "sqlite":
            _restore_sqlite(database)
            runtime = _runtime_connection()
            if runtime is not None and header.get("runtime_database"):  # (older backups have none: migrated empty)
                _restore_sqlite(folder / header["runtime_database"], runtime)
        else:
            _restore_postgresql(database, exists)
        call_command("migrate", interactive=False, verbosity=0)  # every database (core's migrate)
        source = folder / MEDIA
        if source.is_dir():
            root = Path(settings.MEDIA_ROOT)
            for file in sorted(p for p in source.rglob("*") if p.is_file()):
                target = root / file.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(file, target)
    return {**header, "media_files": media}
