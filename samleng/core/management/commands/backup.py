"""samleng backup PATH: one encrypted file of the database and the media files (core.backup)."""

import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samleng.core.audit import Action, audit_record
from samleng.core.backup import BackupError, backup_keys, backup_write


class Command(BaseCommand):
    help = ("Write one consistent, encrypted backup of the database (SQLite: its online backup API; PostgreSQL: "
            "pg_dump) and of the media files to PATH, encrypted with SAMLENG_BACKUP_KEY. `samleng restore PATH` "
            "brings it back.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file to write (replaced once the new one is whole)")

    def handle(self, *args, path, **options):
        path = Path(path)
        try:
            backup_keys()  # before the log says anything
            if path.is_dir():
                raise BackupError(f"{path} is a folder: give the backup file's name.")
            # The backup holds personal data (encrypted): an export, in the log before the snapshot.
            audit_record(user=None, action=Action.EXPORT_PERSONAL, object_type="core.backup",
                         summary=f"backup {path.name} written by {getpass.getuser()} on the command line: the "
                                 f"database (phones, Telegram ids and two-factor secrets encrypted) and the media")
            header = backup_write(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"The backup could not be written: {error}") from None
        schema = ", ".join(f"{app} {name}" for app, name in header["schema"].items())
        self.stdout.write(f"{header['engine']} database and {header['media_files']} media files, "
                          f"{header['bytes']:,} bytes, key {header['key_id']}")
        self.stdout.write(f"schema: {schema}")
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}."))
