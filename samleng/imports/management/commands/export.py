"""samleng export programme|budget|ocds PATH: write the programme workbook, the budget workbook, or the
procurement projects as an OCDS release package."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from samleng.imports.budget_export import budget_workbook_export
from samleng.imports.export import workbook_export
from samleng.transparency.services import ocds_export


class Command(BaseCommand):
    help = ("Write the programme workbook (`export programme PATH`) or the budget workbook (`export budget PATH`): "
            "an .xlsx file, a .zip of .csv files, or else a folder of .csv files. Importing it again changes "
            "nothing. The budget workbook holds every unit's years, published or not. In the programme workbook, "
            "phones and Telegram ids are left out unless --personal is given with --user naming an administrator "
            "or M&E officer (the export is then written to the audit log). `export ocds PATH` writes the "
            "procurement projects as an OCDS 1.1 release package (JSON).")

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["programme", "budget", "ocds"], help="which workbook to export")
        parser.add_argument("path", help="where to write it")
        parser.add_argument("--programme", dest="code", help="the programme code whose target areas to export")
        parser.add_argument("--personal", action="store_true", help="include phones and Telegram ids (programme)")
        parser.add_argument("--user", help="who exports (required with --personal)")

    def handle(self, *args, what, path, code=None, personal=False, user=None, **options):
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"There is no user {user!r}.")
        if what == "ocds":
            package = ocds_export()
            Path(path).write_text(json.dumps(package, ensure_ascii=False, indent=1), encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"Wrote {len(package['releases'])} releases to {path}."))
            return
        if what == "budget":
            if personal or code:
                raise CommandError("--personal and --programme are for the programme workbook.")
            counts = budget_workbook_export(path, user=account)
        else:
            if personal and account is None:
                raise CommandError("--personal needs --user: the audit log records who exported personal data.")
            try:
                counts = workbook_export(path, user=account, personal=personal, programme_code=code)
            except (PermissionDenied, ValueError) as error:
                raise CommandError(str(error)) from None
        for sheet, count in counts.items():
            self.stdout.write(f"{sheet}: {count} rows")
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}."))
