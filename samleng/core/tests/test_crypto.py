"""SAMLENG_FIELD_KEY takes several keys, newest first; `samleng rotate_field_key` encrypts every encrypted
field again with the newest, all or nothing, so that the older keys can go."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from samleng.accounts.models import TotpEnrolment, User
from samleng.cbos.models import Representative
from samleng.core import crypto
from samleng.core.routers import runtime_alias

OLD, NEW, OTHER = (Fernet.generate_key().decode() for _ in range(3))


def raw(table: str, column: str, pk: int, using: str = "default") -> str:
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_the_first_key_encrypts_and_every_key_decrypts(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    token = crypto.encrypt("012 345 678")
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    assert crypto.decrypt(token) == "012 345 678"
    assert Fernet(NEW.encode()).decrypt(crypto.encrypt("x").encode()) == b"x"
    assert Fernet(NEW.encode()).decrypt(crypto.rotate(token).encode()) == b"012 345 678"
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(ValueError, match="another SAMLENG_FIELD_KEY"):
        crypto.decrypt(token)
    assert crypto.key_id(NEW) != crypto.key_id(OLD) and NEW not in crypto.key_id(NEW)


@pytest.mark.django_db
def test_rotation_encrypts_every_field_again_with_the_newest_key(settings, world):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    world.rep.phone, world.rep.telegram = "097 700 4321", "@sokha"
    world.rep.save()
    empty = Representative.objects.create(person_id="P-EMPTY", cbo=world.cbo, full_name="No Phone", sex="female")
    world.officer.totp_secret = "KRSXG5CTMVZGKY3SMV2FGYLNNRSW4ZY2"
    world.officer.save()
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    out = StringIO()
    call_command("rotate_field_key", stdout=out)
    assert "can now be removed" in out.getvalue()
    newest = Fernet(NEW.encode())
    assert newest.decrypt(raw("cbos_representative", "phone", world.rep.pk).encode()) == b"097 700 4321"
    assert newest.decrypt(raw("cbos_representative", "telegram", world.rep.pk).encode()) == b"@sokha"
    assert newest.decrypt(raw("accounts_user", "totp_secret", world.officer.pk).encode()).startswith(b"KRSX")
    assert raw("cbos_representative", "phone", empty.pk) == ""
    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key gone: everything still reads
    assert Representative.objects.get(pk=world.rep.pk).phone == "097 700 4321"
    assert User.objects.get(pk=world.officer.pk).totp_secret == "KRSXG5CTMVZGKY3SMV2FGYLNNRSW4ZY2"
    with pytest.raises(InvalidToken):
        Fernet(OLD.encode()).decrypt(raw("cbos_representative", "phone", world.rep.pk).encode())


@pytest.mark.django_db
def test_a_value_no_key_opens_stops_the_rotation_and_nothing_changes(settings, world):
    settings.FIELD_ENCRYPTION_KEYS = [OTHER]
    world.officer.totp_secret = "KRSXG5CTMVZGKY3SMV2FGYLNNRSW4ZY2"
    world.officer.save()
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    world.rep.phone = "012 000 111"
    world.rep.save()
    before = raw("accounts_user", "totp_secret", world.officer.pk)
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OTHER]  # OLD forgotten: the phone cannot be read
    with pytest.raises(CommandError, match="cbos.representative .*no key of SAMLENG_FIELD_KEY opens"):
        call_command("rotate_field_key", stdout=StringIO())
    # Users come first: the officer's secret was encrypted again, then undone with the rest.
    assert raw("accounts_user", "totp_secret", world.officer.pk) == before


@pytest.mark.django_db
def test_rotation_reaches_the_two_factor_set_ups_in_the_runtime_database(settings, world):
    """A set-up not yet moved into the user's record keeps its secret encrypted in the runtime database (with
    SQLite another file): rotated with the rest."""
    world_keys = list(settings.FIELD_ENCRYPTION_KEYS)  # the world's phone numbers were encrypted with these
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    waiting = TotpEnrolment.objects.create(user_id=world.officer.pk, secret="KRSXG5CTMVZGKY3SMV2FGYLNNRSW4ZY2")
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD, *world_keys]
    out = StringIO()
    call_command("rotate_field_key", stdout=out)
    assert "accounts.totpenrolment: 1 values" in out.getvalue()
    stored = raw("accounts_totpenrolment", "secret", waiting.pk, using=runtime_alias())
    assert Fernet(NEW.encode()).decrypt(stored.encode()) == b"KRSXG5CTMVZGKY3SMV2FGYLNNRSW4ZY2"
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert TotpEnrolment.objects.get(pk=waiting.pk).secret == "KRSXG5CTMVZGKY3SMV2FGYLNNRSW4ZY2"
