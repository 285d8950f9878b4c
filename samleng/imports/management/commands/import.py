"""samleng import PATH: import a programme workbook or a budget workbook, all or nothing."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from samleng.imports.kinds import BUDGET, MIXED, any_workbook_import


class Command(BaseCommand):
    help = ("Import a programme workbook or a budget workbook (.xlsx, a folder or .zip of .csv files): which one it "
            "is, Samleng tells by its sheets (budgets, categories, projects, population, exchange_rates for a budget "
            "workbook; a workbook with the sheets of both is refused). All or nothing: when anything is wrong, the "
            "errors are listed (the first 200, then how many more of each kind), nothing is written and the "
            "command exits with status 1. --publish also publishes the budget years the workbook holds (each "
            "unit's years of its budgets and projects sheets), so that the public pages show them; "
            "without it they stay unpublished until staff publish them. A budget year already published is not changed "
            "in place: its changes wait as a revision for an administrator or an M&E officer to approve; --publish "
            "(without --user, or by one of them) approves them at once.")

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
            self.stdout.write(f"{sheet}: {created} created, {result.updated.get(sheet, 0)} updated")
        self.stdout.write(self.style.SUCCESS(f"Imported {result.rows} rows from {path}."))

    def _progress(self, percent: int, stage: str) -> None:
        self.stderr.write(f"{percent:3d}% {stage}")
