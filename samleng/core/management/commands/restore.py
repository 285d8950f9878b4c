"""samleng restore [--check] PATH: bring a backup back into a new, empty database (core.backup)."""

from django.core.management.base import BaseCommand, CommandError

from samleng.core.backup import BackupError, archive_check, restore
from samleng.core.crypto import field_key_ids


class Command(BaseCommand):
    help = ("Restore a backup written by `samleng backup` into the database of DATABASE_URL, which must be on the "
            "same engine and hold no records (a PostgreSQL database is created if it does not exist), then "
            "migrate it and put the media files back. A wrong SAMLENG_BACKUP_KEY or a damaged or altered file is "
            "refused before anything is written. --check reads the backup through and restores nothing.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file")
        parser.add_argument("--check", action="store_true",
                            help="only check that the backup opens with the key and is whole and unaltered")

    def handle(self, *args, path, check=False, **options):
        try:
            header = archive_check(path) if check else restore(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        except FileNotFoundError:
            raise CommandError(f"There is no file {path}.") from None
        what = f"{header['engine']} database and {header['media_files']} media files"
        if check:
            schema = ", ".join(f"{app} {name}" for app, name in header["schema"].items())
            self.stdout.write(f"backup of {header['created_at']}: {what}, whole and unaltered")
            self.stdout.write(f"schema: {schema}")
            return
        self.stdout.write(f"backup of {header['created_at']}: {what} restored, then migrated")
        written_with = header.get("field_key_ids") or []
        if written_with and written_with[0] not in field_key_ids():
            self.stdout.write(self.style.WARNING(
                f"Its phones, Telegram ids and two-factor secrets were encrypted with the field key "
                f"{written_with[0]}, which SAMLENG_FIELD_KEY does not hold: add that key after yours, then run "
                f"`samleng rotate_field_key`."))
        self.stdout.write(self.style.SUCCESS(f"Restored {path}."))
