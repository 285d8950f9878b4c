"""samleng forget_representative PERSON_ID [--user USERNAME]: erase a representative's personal data."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from samleng.cbos.models import Representative
from samleng.cbos.services import representative_forget
from samleng.core.dates import long_date


class Command(BaseCommand):
    help = ("Forget a representative who withdrew consent: their name, phone, Telegram id, birth year and consent "
            "date are erased (in the audit log's values too); sex, role and groups stay, so that their attendance "
            "is still counted. A workbook import will not bring them back. Staff do the same from the person's "
            "page.")

    def add_arguments(self, parser):
        parser.add_argument("person_id", help="the person's id (the representatives sheet's person_id)")
        parser.add_argument("--user", help="who asks (for the audit log)")

    def handle(self, *args, person_id, user=None, **options):
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"There is no user {user!r}.")
        representative = Representative.objects.select_related("cbo").filter(person_id=person_id).first()
        if representative is None:
            raise CommandError(f"There is no representative {person_id!r}.")
        if representative.forgotten_on:
            self.stdout.write(f"{person_id} was already forgotten on {long_date(representative.forgotten_on, 'en')}.")
            return
        representative_forget(user=account, representative=representative)
        attended = representative.attendance.count()
        self.stdout.write(self.style.SUCCESS(
            f"{person_id} of {representative.cbo.cbo_id} is forgotten: name, phone, Telegram id, birth year and "
            f"consent date erased; {attended} attendance records still counted."))
