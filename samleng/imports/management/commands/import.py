"""samleng import PATH: import a programme workbook, all or nothing."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from samleng.imports.programme import workbook_import


class Command(BaseCommand):
    help = ("Import a programme workbook (.xlsx, a folder or .zip of .csv files). All or nothing: when anything "
            "is wrong, every error is listed, nothing is written and the command exits with status 1.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .xlsx file, the .zip file or the folder of .csv files")
        parser.add_argument("--user", help="the username the audit log records for this import")

    def handle(self, *args, path, user=None, verbosity=1, **options):
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"There is no user {user!r}.")
        progress = self._progress if verbosity > 1 else None
        result = workbook_import(path, user=account, progress=progress)
        for warning in result.warnings:
            self.stdout.write(f"warning: {warning}")
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"The workbook was rejected: {len(result.errors)} errors. Nothing was imported.",
                               returncode=1)
        for sheet, created in result.created.items():
            self.stdout.write(f"{sheet}: {created} created, {result.updated.get(sheet, 0)} updated")
        self.stdout.write(self.style.SUCCESS(f"Imported {result.rows} rows from {path}."))

    def _progress(self, percent: int, stage: str) -> None:
        self.stderr.write(f"{percent:3d}% {stage}")
