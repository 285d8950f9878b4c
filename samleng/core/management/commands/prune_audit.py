"""samleng prune_audit [--days N]: delete the audit entries older than the retention period."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from samleng.core.audit import audit_prune


class Command(BaseCommand):
    help = ("Delete the audit entries older than SAMLENG_AUDIT_RETENTION_DAYS (or --days N; 0 keeps them all). "
            "`samleng tick` runs it once a day.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="the retention in days (default: SAMLENG_AUDIT_RETENTION_DAYS)")

    def handle(self, *args, days=None, **options):
        days = settings.AUDIT_RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days must be 0 (keep every entry) or more.")
        if days == 0:
            self.stdout.write("The retention is 0 days: audit entries are kept for ever.")
            return
        deleted = audit_prune(days=days)
        self.stdout.write(f"{deleted} audit entries older than {days} days deleted.")
