"""samleng disable_user USERNAME: the account of someone who left can no longer log in."""

from django.core.management.base import BaseCommand, CommandError

from samleng.accounts import services
from samleng.accounts.models import User


class Command(BaseCommand):
    help = ("Disable the account of someone who left: they can no longer log in (no password, no two-factor "
            "secret), their sessions end; the account and its audit entries stay. Administrators do the same in "
            "the admin's list of users.")

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user {username!r}.")
        if not user.is_active:
            self.stdout.write(f"{username} is already disabled.")
            return
        ended = services.user_disable(user=user)
        self.stdout.write(self.style.SUCCESS(f"{username} is disabled: {ended} sessions ended; the audit log keeps "
                                             f"their entries."))
