"""samleng opendata PATH: write the Fiscal Data Package of the published budgets into a folder."""

import csv

from django.core.management.base import BaseCommand

from samleng.budgets.opendata import RESOURCES, fiscal_data_package_write


class Command(BaseCommand):
    help = ("Write the Fiscal Data Package of every published budget (datapackage.json and one CSV file per "
            "table: budget lines, categories, projects, population, exchange rates) into the folder PATH, "
            "created if needed. Unpublished years and budget-line notes are left out. Check it with "
            "`frictionless validate PATH/datapackage.json`.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="the folder to write into (files of the same names are replaced)")

    def handle(self, *args, path, **options):
        descriptor = fiscal_data_package_write(path)
        for name in RESOURCES:
            with open(descriptor.parent / f"{name}.csv", encoding="utf-8", newline="") as file:
                rows = sum(1 for _ in csv.reader(file)) - 1  # a Khmer explanation may hold line breaks
            self.stdout.write(f"{name}.csv: {rows} rows")
        self.stdout.write(self.style.SUCCESS(f"Wrote {descriptor}."))
