from django.core.management.base import BaseCommand
from django.db import transaction

from samleng.core import search


class Command(BaseCommand):
    help = ("Write the search index again (core.search): every entry of every kind, or of the kinds named "
            "(cbos.cbo, advocacy.issue, ...). Needed only after a change that saves did not follow (a place "
            "renamed in the database by hand, a restore without the index).")

    def add_arguments(self, parser):
        parser.add_argument("kinds", nargs="*", help="the kinds to rebuild (default: all)")

    def handle(self, *args, kinds, **options):
        unknown = set(kinds) - set(search.kinds())
        if unknown:
            self.stderr.write(f"Unknown kinds: {', '.join(sorted(unknown))}; known: {', '.join(search.kinds())}")
            return
        with transaction.atomic():
            for kind in search.index_kinds():
                self.stdout.write(f"  {kind}: index made")
            counts = search.rebuild(kinds or None)
        for kind, count in counts.items():
            self.stdout.write(f"  {kind}: {count} entries")
