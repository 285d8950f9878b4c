"""samleng migrate: Django's, on every database of the settings unless --database names one. With SQLite
there are two (the main file and the runtime file beside it: core/routers.py), and `migrate`, `samleng setup`
and `samleng restore` must make the tables of both."""

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DEFAULT_DB_ALIAS, connections


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " Without --database, every database of the settings (the runtime one too)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(database=None)

    def get_check_kwargs(self, options):
        if options.get("database"):
            return super().get_check_kwargs(options)
        return {**super(DjangoMigrate, self).get_check_kwargs(options), "databases": list(connections)}

    def handle(self, *args, **options):
        if options.get("database"):
            return super().handle(*args, **options)
        aliases = [DEFAULT_DB_ALIAS, *(alias for alias in connections if alias != DEFAULT_DB_ALIAS)]
        for alias in aliases:
            if options.get("verbosity", 1) >= 1 and len(aliases) > 1:
                self.stdout.write(self.style.MIGRATE_HEADING(f"Database {alias}:"))
            super().handle(*args, **{**options, "database": alias})
