"""What a login writes to the user's record while the main database cannot take a write at once (an import holds
its lock): a first two-factor set-up, a recovery code's mark and a password hash upgrade. The set-up and the mark
wait in the runtime database until `samleng tick` moves them in, and work meanwhile; the hash is upgraded at a
later login. Here the main database is made busy by `main_write_now` answering MainDatabaseBusy, as it does on
SQLite when another connection holds the lock (test_during_import.py holds a real one), so that these tests run on
PostgreSQL too.

The property that matters most: a recovery code works once, whether its mark has reached the record or not."""

import contextlib

import pyotp
import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import timezone

from samleng.accounts import models, services
from samleng.accounts.models import RecoveryCode, TotpEnrolment, UsedRecoveryCode, User
from samleng.accounts.tests.helpers import log_in_with_password
from samleng.conftest import PASSWORD
from samleng.core.audit import audit_flush
from samleng.core.models import AuditEntry
from samleng.core.routers import MainDatabaseBusy, main_write_now


class Busy:
    """Switches the main database between busy (main_write_now refuses at once) and free."""

    def __init__(self, monkeypatch):
        self.monkeypatch, self.on = monkeypatch, False

        @contextlib.contextmanager
        def write_now(*args, **kwargs):
            if self.on:
                raise MainDatabaseBusy
            with main_write_now(*args, **kwargs):
                yield

        for module in (services, models):
            monkeypatch.setattr(module, "main_write_now", write_now)


@pytest.fixture
def busy(monkeypatch) -> Busy:
    switch = Busy(monkeypatch)
    switch.on = True
    return switch


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def password_step(username: str = "officer") -> Client:
    client = Client()
    response = log_in_with_password(client, username)
    assert response.status_code == 302 and response.url.startswith("/two-factor/")
    return client


def code_step(username: str, code: str):
    client = password_step(username)
    return client, client.post("/two-factor/", {"code": code})


def logged_in(response) -> bool:
    return response.status_code == 302 and not response.url.startswith(("/two-factor/", "/login/"))


def set_up_while_busy(username: str = "officer") -> tuple[str, list[str]]:
    """A first set-up through the pages: its secret and the recovery codes shown."""
    client = password_step(username)
    secret = client.get("/two-factor/").context["secret"]
    response = client.post("/two-factor/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200 and response.context["first_time"]
    return secret, response.context["codes"]


def code_of_next_step(secret: str) -> str:
    """A code of the next time step (accepted: a phone's clock may be ahead), as the current one was just used."""
    return pyotp.TOTP(secret).at(timezone.now().timestamp() + 30)


# ---- recovery codes ----------------------------------------------------------------------------------------


@pytest.fixture
def codes(world, staff_secret) -> list[str]:
    return services.recovery_codes_make(user=world.officer)


def test_a_recovery_code_used_while_busy_works_once_before_and_after_the_tick(world, codes, busy):
    _, response = code_step("officer", codes[0])
    assert logged_in(response)
    mark = RecoveryCode.objects.get(user=world.officer, code_hash=services._recovery_hash(codes[0]))
    assert mark.used_at is None  # not in the record yet: the use waits in the runtime database
    assert UsedRecoveryCode.objects.filter(user_id=world.officer.pk).count() == 1
    assert services.recovery_codes_left(user=world.officer) == 9

    client, again = code_step("officer", codes[0])  # another browser, the same code
    assert again.status_code == 200 and again.context["form"].errors["code"]
    assert not client.session["two_factor_ok"]

    busy.on = False
    assert services.two_factor_moves() == "0 two-factor set-ups and 1 used recovery codes moved into the main database"
    mark.refresh_from_db()
    used = mark.used_at
    assert used is not None and not UsedRecoveryCode.objects.exists()
    assert not logged_in(code_step("officer", codes[0])[1])  # refused by the record's mark now
    assert logged_in(code_step("officer", codes[1])[1])
    mark.refresh_from_db()
    assert mark.used_at == used and services.recovery_codes_left(user=world.officer) == 8
    audit_flush()
    assert AuditEntry.objects.filter(user=world.officer, summary="two-factor recovery code used").count() == 2


def test_a_recovery_code_is_marked_at_once_when_the_main_database_is_free(world, codes):
    assert logged_in(code_step("officer", codes[0])[1])
    assert RecoveryCode.objects.get(user=world.officer, code_hash=services._recovery_hash(codes[0])).used_at
    assert not UsedRecoveryCode.objects.exists()
    assert not logged_in(code_step("officer", codes[0])[1])


def test_a_mark_moved_in_between_a_use_and_its_check_is_that_use_s_own(world, codes):
    """A tick may move a use's mark into the record before the login that wrote it has read the record: that mark
    is the use's own (its time), so the login goes on; any other use of the code is refused."""
    code_hash = services._recovery_hash(codes[0])
    use = UsedRecoveryCode.objects.create(user_id=world.officer.pk, code_hash=code_hash, used_at=timezone.now())
    services.recovery_marks_move()
    assert not UsedRecoveryCode.objects.exists()
    assert services._recovery_code_unused(world.officer.pk, code_hash, use)
    other = UsedRecoveryCode(user_id=world.officer.pk, code_hash=code_hash, used_at=timezone.now())
    assert not services._recovery_code_unused(world.officer.pk, code_hash, other)


def test_a_wrong_code_leaves_nothing_behind(world, codes, busy):
    assert not logged_in(code_step("officer", "AAAA-BBBB-CCCC-DDDD")[1])
    assert not UsedRecoveryCode.objects.exists()


def test_uses_of_codes_replaced_since_are_dropped_by_the_tick(world, codes, busy):
    assert logged_in(code_step("officer", codes[0])[1])
    busy.on = False
    new = services.recovery_codes_make(user=world.officer)  # the old codes, used or not, are gone
    services.two_factor_moves()
    assert not UsedRecoveryCode.objects.exists()
    assert not logged_in(code_step("officer", codes[0])[1]) and not logged_in(code_step("officer", codes[1])[1])
    assert logged_in(code_step("officer", new[0])[1])


# ---- a first set-up ----------------------------------------------------------------------------------------


def test_a_first_set_up_while_busy_logs_in_and_reaches_the_record_at_the_tick(world, busy):
    secret, shown = set_up_while_busy()
    world.officer.refresh_from_db()
    assert not world.officer.totp_confirmed and not world.officer.totp_secret
    enrolment = TotpEnrolment.objects.get(user_id=world.officer.pk)
    assert enrolment.confirmed_at and enrolment.secret == secret and len(enrolment.code_hashes) == 10

    # Before the tick, the next login asks for a code of that secret (no second set-up), and its codes work once.
    client = password_step()
    assert client.get("/two-factor/").context["setting_up"] is False
    assert logged_in(client.post("/two-factor/", {"code": code_of_next_step(secret)}))
    assert logged_in(code_step("officer", shown[0])[1])
    assert not logged_in(code_step("officer", shown[0])[1])
    assert services.recovery_codes_left(user=world.officer) == 9

    busy.on = False
    assert services.two_factor_moves() == "1 two-factor set-ups and 1 used recovery codes moved into the main database"
    world.officer.refresh_from_db()
    assert world.officer.totp_confirmed and world.officer.totp_secret == secret
    stored = dict(RecoveryCode.objects.filter(user=world.officer).values_list("code_hash", "used_at"))
    assert set(stored) == {services._recovery_hash(code) for code in shown}
    assert [h for h, used in stored.items() if used] == [services._recovery_hash(shown[0])]
    assert not TotpEnrolment.objects.exists() and not UsedRecoveryCode.objects.exists()
    assert not logged_in(code_step("officer", shown[0])[1])
    assert logged_in(code_step("officer", shown[1])[1])
    audit_flush()
    summaries = set(AuditEntry.objects.filter(user=world.officer).values_list("summary", flat=True))
    assert {"two-factor secret created", "two-factor secret confirmed", "two-factor recovery codes made",
            "two-factor recovery code used"} <= summaries


def test_a_reset_while_a_set_up_waits_is_not_undone_by_the_tick(world, busy):
    secret, shown = set_up_while_busy()
    busy.on = False
    services.user_totp_reset(user=world.officer, by=world.me_officer)
    services.two_factor_moves()
    world.officer.refresh_from_db()
    assert not world.officer.totp_confirmed and not world.officer.totp_secret
    assert not logged_in(code_step("officer", shown[0])[1])  # the set-up's codes went with it
    client = password_step()
    page = client.get("/two-factor/")
    assert page.context["setting_up"] and page.context["secret"] != secret


def test_new_codes_made_while_a_set_up_waits_replace_its_codes_for_good(world, busy):
    secret, shown = set_up_while_busy()
    busy.on = False
    new = services.recovery_codes_make(user=world.officer)  # the page of new codes: the set-up goes in first
    world.officer.refresh_from_db()
    assert world.officer.totp_confirmed and world.officer.totp_secret == secret
    services.two_factor_moves()
    assert not logged_in(code_step("officer", shown[0])[1])
    assert logged_in(code_step("officer", new[0])[1])


def test_a_set_up_moved_in_again_after_a_stop_changes_nothing(world, busy):
    """A tick stopped between writing the record and deleting the set-up moves it again at the next tick: the
    record already has it, and the mark of a code used since is kept (the code stays used)."""
    secret, shown = set_up_while_busy()
    waiting = TotpEnrolment.objects.get(user_id=world.officer.pk)
    assert logged_in(code_step("officer", shown[0])[1])
    busy.on = False
    services.two_factor_moves()
    assert RecoveryCode.objects.filter(user=world.officer, used_at__isnull=False).count() == 1
    TotpEnrolment.objects.create(user_id=waiting.user_id, secret=waiting.secret, created_at=waiting.created_at,
                                 confirmed_at=waiting.confirmed_at, code_hashes=waiting.code_hashes)
    services.two_factor_moves()
    assert not TotpEnrolment.objects.exists()
    assert RecoveryCode.objects.filter(user=world.officer, used_at__isnull=False).count() == 1
    assert not logged_in(code_step("officer", shown[0])[1])


def test_a_disabled_account_s_waiting_set_up_is_dropped(world, busy):
    set_up_while_busy()
    busy.on = False
    services.user_disable(user=world.officer, by=world.me_officer)
    services.two_factor_moves()
    world.officer.refresh_from_db()
    assert not world.officer.totp_secret and not TotpEnrolment.objects.exists()


# ---- the password hash -----------------------------------------------------------------------------------------


def test_a_password_hash_is_upgraded_only_when_the_main_database_is_free(world, busy):
    """Django re-hashes a password made with older settings at the login (here: a salt too short for them). While
    busy it is not (the old hash still works) and the session made at the login opens the next page; once free, the
    next login upgrades it and its session opens pages too."""
    old = make_password(PASSWORD, salt="short", hasher="md5")
    User.objects.filter(pk=world.officer.pk).update(password=old)
    client = password_step()
    assert client.get("/two-factor/").status_code == 200  # the session matches the hash the record holds
    assert User.objects.get(pk=world.officer.pk).password == old

    busy.on = False
    client = password_step()
    new = User.objects.get(pk=world.officer.pk).password
    assert new != old and not new.startswith("md5$short$")
    assert client.get("/two-factor/").status_code == 200
    assert User.objects.get(pk=world.officer.pk).check_password(PASSWORD)


# ---- what is not a login: new recovery codes, a password change or reset ----------------------------------------


def test_new_recovery_codes_made_while_busy_replace_the_old_at_once_and_reach_the_record_at_the_tick(
        world, codes, busy):
    client = password_step()
    assert logged_in(client.post("/two-factor/", {"code": code_of_next_step(world.officer.totp_secret)}))
    response = client.post("/recovery-codes/", {"password": PASSWORD})
    assert response.status_code == 200
    new = response.context["codes"]
    assert len(new) == 10 and not set(new) & set(codes)
    old_hashes = {services._recovery_hash(code) for code in codes}
    assert set(RecoveryCode.objects.filter(user=world.officer).values_list("code_hash", flat=True)) == old_hashes
    assert services.recovery_codes_left(user=world.officer) == 10

    assert not logged_in(code_step("officer", codes[1])[1])  # the old codes stopped working at once
    assert logged_in(code_step("officer", new[0])[1])
    assert not logged_in(code_step("officer", new[0])[1])

    busy.on = False
    assert services.two_factor_moves() == "1 two-factor set-ups and 1 used recovery codes moved into the main database"
    stored = dict(RecoveryCode.objects.filter(user=world.officer).values_list("code_hash", "used_at"))
    assert set(stored) == {services._recovery_hash(code) for code in new}
    assert [h for h, used in stored.items() if used] == [services._recovery_hash(new[0])]
    world.officer.refresh_from_db()
    assert world.officer.totp_confirmed and not TotpEnrolment.objects.exists()
    assert not logged_in(code_step("officer", codes[2])[1]) and not logged_in(code_step("officer", new[0])[1])
    assert logged_in(code_step("officer", new[1])[1])
    audit_flush()
    assert AuditEntry.objects.filter(user=world.officer, summary="two-factor recovery codes made").count() == 2


def test_new_codes_made_twice_before_the_tick_keep_only_the_last(world, codes, busy):
    first = services.recovery_codes_make(user=world.officer)
    second = services.recovery_codes_make(user=world.officer)
    assert TotpEnrolment.objects.count() == 1 and services.recovery_codes_left(user=world.officer) == 10
    assert not logged_in(code_step("officer", first[0])[1])
    busy.on = False
    services.two_factor_moves()
    assert set(RecoveryCode.objects.filter(user=world.officer).values_list("code_hash", flat=True)) == {
        services._recovery_hash(code) for code in second}
    assert logged_in(code_step("officer", second[0])[1])


BUSY_EN = "Your password was not changed: Samleng is saving a large import"


def _says_busy_in_both_languages(response) -> None:
    assert response.status_code == 503 and response["Retry-After"] == "120"
    page = response.content.decode()
    assert BUSY_EN in page and response.context["busy_km"] in page
    assert response.context["busy_km"] != response.context["busy_en"]  # said in Khmer too


def test_a_password_change_while_busy_says_so_in_both_languages_and_changes_nothing(world, staff_secret, busy):
    from samleng.accounts.tests.helpers import log_in_staff

    client = log_in_staff(world.officer, staff_secret)
    before = User.objects.get(pk=world.officer.pk).password
    new = "a-fresh-passphrase-2024"
    data = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    _says_busy_in_both_languages(client.post("/password-change/", data))
    assert User.objects.get(pk=world.officer.pk).password == before
    assert client.get("/password-change/").status_code == 200  # the session still works with the old hash
    assert not AuditEntry.objects.filter(user=world.officer, summary="password changed").exists()

    busy.on = False
    response = client.post("/password-change/", data)
    assert response.status_code == 302
    assert User.objects.get(pk=world.officer.pk).check_password(new)
    assert AuditEntry.objects.filter(user=world.officer, summary="password changed").exists()


def test_a_password_reset_while_busy_says_so_and_its_link_still_works_after(world, busy):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = world.cbo_user
    link = f"/password-reset/{urlsafe_base64_encode(force_bytes(user.pk))}/{default_token_generator.make_token(user)}/"
    client = Client()
    form_url = client.get(link).url
    new = "a-fresh-passphrase-2024"
    _says_busy_in_both_languages(client.post(form_url, {"new_password1": new, "new_password2": new}))
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)

    busy.on = False
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302 and response.url == "/password-reset/done/"
    assert User.objects.get(pk=user.pk).check_password(new)
