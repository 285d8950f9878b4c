"""`samleng generate [--kind budget] --scale national PATH`: write a generated programme or budget workbook for
benchmarks and tests."""

import time

from django.core.management.base import BaseCommand, CommandError

from samleng.imports.generate import SCALES, GazetteerMissing, workbook_generate
from samleng.imports.generate_budget import budget_workbook_generate


class Command(BaseCommand):
    help = ("Write a generated workbook. --kind programme (the default): the programme workbook, an .xlsx file when "
            "PATH ends in .xlsx, else a folder of .csv files; --scale national gives the sizes of DESIGN.md (5,000 "
            "CBOs ... 600,000 attendance rows), --scale small about 1% of that. --kind budget: the budget workbook, a "
            ".zip of .csv files when PATH ends in .zip, else a folder of .csv files; --scale national gives every "
            "commune (1,661) and district (210) of the gazetteer over 2016-2025, about 500,000 budget lines with "
            "projects, population and exchange rates; --scale small two provinces over 2022-2024. The same --seed "
            "gives the same workbook. The gazetteer must be loaded (samleng setup).")

    def add_arguments(self, parser):
        parser.add_argument("path", help="where to write: a folder for .csv files, or a file ending in .xlsx "
                                         "(programme) or .zip (budget)")
        parser.add_argument("--kind", choices=["programme", "budget"], default="programme")
        parser.add_argument("--scale", choices=sorted(SCALES), default="national")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, path, kind, scale, seed, **options):
        started = time.perf_counter()
        generate = budget_workbook_generate if kind == "budget" else workbook_generate
        try:
            counts = generate(path, scale=scale, seed=seed)
        except GazetteerMissing as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error}") from error
        for sheet, count in counts.items():
            self.stdout.write(f"{sheet:>22}: {count:>8,} rows")
        self.stdout.write(self.style.SUCCESS(
            f"Wrote {path} ({kind}, {scale}, seed {seed}): {sum(counts.values()):,} rows in "
            f"{time.perf_counter() - started:.1f} s."))
