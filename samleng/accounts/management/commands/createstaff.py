"""samleng createstaff USERNAME --role ROLE [--province CODE ...] [--email ADDRESS] [--no-input]

Creates a staff account and its two-factor secret, and prints the secret (and the otpauth:// URI) for the
administrator to hand over with the password. The secret is marked confirmed, so the new colleague types
a code at their first login and the password alone never shows the secret to anyone."""

import getpass
import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from samleng.accounts import services
from samleng.accounts.models import User
from samleng.places.models import Place

STAFF_ROLES = [User.Role.ADMIN, User.Role.ME_OFFICER, User.Role.FIELD_OFFICER]


class Command(BaseCommand):
    help = "Create a staff account (admin, M&E or field officer) and print its two-factor secret."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[str(r) for r in STAFF_ROLES])
        parser.add_argument("--province", action="append", default=[], metavar="CODE",
                            help="a province code (06 is Kampong Thom); repeat for several; field officers")
        parser.add_argument("--email", default="")
        parser.add_argument("--no-input", action="store_false", dest="interactive",
                            help="do not ask for a password: make a random one and print it")

    def handle(self, *args, username, role, province, email, interactive, **options):
        provinces = list(Place.objects.filter(code__in=province, level=Place.Level.PROVINCE))
        unknown = sorted(set(province) - {p.code for p in provinces})
        if unknown:
            raise CommandError(f"Not province codes: {', '.join(unknown)}")
        password = self._ask_password() if interactive else secrets.token_urlsafe(12)
        try:
            user = services.user_create(username=username, password=password, role=role, email=email,
                                        provinces=provinces)
        except ValidationError as error:
            details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
            raise CommandError(details) from error
        secret = services.user_totp_setup(user=user, confirmed=True)
        self.stdout.write(f"Created {role} {username}.")
        if not interactive:
            self.stdout.write(f"Password: {password}")
        self.stdout.write(f"Two-factor secret: {secret}")
        self.stdout.write(f"Authenticator URI: {services.totp_uri(user=user)}")
        self.stdout.write("Hand both over in person; the password can be changed after the first login.")

    def _ask_password(self) -> str:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords differ.")
        return password
