"""samleng createstaff USERNAME --role ROLE [--province CODE ...] [--office OFFICE [--office-level LEVEL]
[--place CODE]] [--email ADDRESS] [--no-input]

Creates a staff account (or an authority's, which belongs to an office) and its two-factor secret, and
prints the secret (and the otpauth:// URI) for the administrator to hand over with the password. The secret is
marked confirmed, so the new colleague types a code at their first login and the password alone never shows the
secret to anyone."""

import getpass
import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from samleng.accounts import services
from samleng.accounts.models import User
from samleng.places.models import Office, Place
from samleng.places.selectors import office_get, office_label
from samleng.places.services import office_find_or_create

STAFF_ROLES = [User.Role.ADMIN, User.Role.ME_OFFICER, User.Role.FIELD_OFFICER, User.Role.AUTHORITY]


class Command(BaseCommand):
    help = ("Create a staff account (admin, M&E or field officer) or an authority's, and print its two-factor "
            "secret.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[str(r) for r in STAFF_ROLES])
        parser.add_argument("--province", action="append", default=[], metavar="CODE",
                            help="a province code (06 is Kampong Thom); repeat for several; field officers")
        parser.add_argument("--office", default="", metavar="OFFICE",
                            help="authorities: the office they work for, as its office id (OF-0606-1), or as its "
                                 "name with --office-level and --place (created when no office is called so)")
        parser.add_argument("--office-level", default="", choices=["", *Office.Level.values],
                            help="the level of the office named by --office")
        parser.add_argument("--place", default="", metavar="CODE",
                            help="the code of the office's place (0606 is Sandan), at its level; none if national")
        parser.add_argument("--email", default="")
        parser.add_argument("--no-input", action="store_false", dest="interactive",
                            help="do not ask for a password: make a random one and print it")

    @transaction.atomic  # an office named for an account that is then refused is not kept
    def handle(self, *args, username, role, province, email, interactive, **options):
        provinces = list(Place.objects.filter(code__in=province, level=Place.Level.PROVINCE))
        unknown = sorted(set(province) - {p.code for p in provinces})
        if unknown:
            raise CommandError(f"Not province codes: {', '.join(unknown)}")
        office = self._office(options["office"], options["office_level"], options["place"])
        password = self._ask_password() if interactive else secrets.token_urlsafe(12)
        try:
            user = services.user_create(username=username, password=password, role=role, email=email,
                                        provinces=provinces, office=office)
        except ValidationError as error:
            details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
            raise CommandError(details) from error
        secret = services.user_totp_setup(user=user, confirmed=True)
        with translation.override("en"):  # the role in words ("M&E officer"), not its key
            role_name = str(User.Role(role).label) if role in User.Role.values else role
        self.stdout.write(f"Created {role_name} {username}" + (f" of {office_label(office)}." if office else "."))
        if not interactive:
            self.stdout.write(f"Password: {password}")
        self.stdout.write(f"Two-factor secret: {secret}")
        self.stdout.write(f"Authenticator URI: {services.totp_uri(user=user, secret=secret)}")
        self.stdout.write("Hand both over in person; the password can be changed after the first login.")

    def _office(self, text: str, level: str, code: str) -> Office | None:
        """The office named on the command line: by its id, or by its name at a level and place (created when
        new). None when not given (user_create then says whether the role needs one)."""
        if not text:
            return None
        found = office_get(text)
        if found is not None:
            return found
        if not level:
            raise CommandError(f"No office has the id {text!r}; to name it, give --office-level (and --place).")
        place = None
        if code:
            place = Place.objects.filter(code=code).first()
            if place is None:
                raise CommandError(f"No place has the code {code!r}.")
        try:
            return office_find_or_create(user=None, text=text, level=level, place=place)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error

    def _ask_password(self) -> str:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords differ.")
        return password
