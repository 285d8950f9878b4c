"""`samleng generate --scale national PATH`: write a generated programme workbook for benchmarks and tests."""

import time

from django.core.management.base import BaseCommand, CommandError

from samleng.imports.generate import SCALES, GazetteerMissing, workbook_generate


class Command(BaseCommand):
    help = ("Write a generated programme workbook: an .xlsx file when PATH ends in .xlsx, else a folder of .csv "
            "files. --scale national gives the sizes of DESIGN.md (5,000 CBOs ... 600,000 attendance rows); "
            "--scale small about 1% of that. The same --seed gives the same workbook.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="where to write: a folder for .csv files, or a file ending in .xlsx")
        parser.add_argument("--scale", choices=sorted(SCALES), default="national")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, path, scale, seed, **options):
        started = time.perf_counter()
        try:
            counts = workbook_generate(path, scale=scale, seed=seed)
        except GazetteerMissing as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error}") from error
        for sheet, count in counts.items():
            self.stdout.write(f"{sheet:>22}: {count:>8,} rows")
        self.stdout.write(self.style.SUCCESS(
            f"Wrote {path} ({scale}, seed {seed}): {sum(counts.values()):,} rows in "
            f"{time.perf_counter() - started:.1f} s."))
