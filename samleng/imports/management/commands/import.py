"""samleng import PATH: import a programme workbook or a budget workbook, all or nothing."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from samleng.core.workbook.problems import LANGUAGES
from samleng.imports.kinds import BUDGET, MIXED, any_workbook_import
from samleng.imports.management.commands.setup import SHEET_RECORDS
from samleng.transparency.ocds import OcdsRejected
from samleng.transparency.services import ocds_import

#: Files of procurement data in the Open Contracting Data Standard rather than workbooks.
OCDS_SUFFIXES = (".json", ".jsonl")


class Command(BaseCommand):
    help = ("Import a programme, budget or knowledge-base workbook (.xlsx, a folder or .zip of .csv files): which "
            "one it is, Samleng tells by its sheets (budgets, categories, projects, population, exchange_rates for a "
            "budget workbook; facilities for a knowledge-base workbook; a workbook with the sheets of several kinds "
            "is refused). All or nothing: when anything is wrong, the "
            "errors are listed (the first 200, then how many more of each kind), nothing is written and the "
            "command exits with status 1. --publish also publishes the budget years the workbook holds (each "
            "unit's years of its budgets and projects sheets), so that the public pages show them; "
            "without it they stay unpublished until staff publish them. A budget year already published is not changed "
            "in place: its changes wait as a revision for an administrator or an M&E officer to approve; --publish "
            "(without --user, or by one of them) approves them at once. A .json or .jsonl file is procurement data in "
            "OCDS 1.1 (a release or record package, or JSON Lines of them): its releases are stored and its "
            "projects read from them; schema violations are warnings, what makes the file unusable rejects it.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .xlsx file, the .zip file or the folder of .csv files")
        parser.add_argument("--user", help="the username the audit log records for this import")
        parser.add_argument("--publish", action="store_true",
                            help="publish the budget years imported (budget workbooks only)")

    def handle(self, *args, path, user=None, publish=False, verbosity=1, **options):
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"There is no user {user!r}.")
        if publish and account is not None and not account.sees_everything:
            raise CommandError("Only an administrator or an M&E officer may publish budgets.")
        if str(path).lower().endswith(OCDS_SUFFIXES):
            self._ocds(path, account)
            return
        progress = self._progress if verbosity > 1 else None
        kind, result = any_workbook_import(path, user=account, progress=progress, publish=publish)
        if kind != MIXED:
            self.stdout.write(f"{kind} workbook")
        if publish and kind != BUDGET:
            self.stdout.write("warning: --publish publishes budget years; this workbook has none.")
        for warning in result.warnings:
            self.stdout.write(f"warning: {warning}")
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"The workbook was rejected: {result.error_count} errors. Nothing was imported.",
                               returncode=1)
        for sheet, created in result.created.items():
            counted = f" ({SHEET_RECORDS[sheet]})" if sheet in SHEET_RECORDS else ""
            self.stdout.write(f"{sheet}: {created} created, {result.updated.get(sheet, 0)} updated{counted}")
        self.stdout.write(self.style.SUCCESS(f"Imported {result.rows} rows from {path}."))

    def _ocds(self, path: str, account) -> None:
        try:
            with open(path, "rb") as file:
                result = ocds_import(file.read(), user=account, source=Path(path).name)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except OcdsRejected as rejected:
            for message, params in rejected.problems[:200]:
                self.stderr.write(" — ".join(message.render(params, language) for language in LANGUAGES))
            raise CommandError(f"The OCDS file was rejected: {len(rejected.problems)} problems. Nothing was "
                               "imported.", returncode=1) from None
        for message, params in result.warnings[:200]:
            self.stdout.write("warning: " + " — ".join(message.render(params, language) for language in LANGUAGES))
        if len(result.warnings) > 200:
            self.stdout.write(f"warning: {len(result.warnings) - 200} more warnings")
        if result.extensions:
            self.stdout.write("extensions named (recorded, not fetched): " + ", ".join(result.extensions))
        self.stdout.write(f"releases: {result.releases_new} new, {result.releases_changed} changed; procurement "
                          f"projects: {result.projects_created} created, {result.projects_updated} updated")
        self.stdout.write(self.style.SUCCESS(f"Imported {path}."))

    def _progress(self, percent: int, stage: str) -> None:
        self.stderr.write(f"{percent:3d}% {stage}")
