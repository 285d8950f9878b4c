"""Every login flow while another connection holds the main SQLite file's write lock, as an import does for its
whole transaction. Run as a script by test_during_import.py, in a process of its own on real files (the test
databases are in memory and share the test's transaction), with DATABASE_URL, SAMLENG_DATA_DIR and
DJANGO_SETTINGS_MODULE set. Prints one JSON object: each flow's requests (status, where to, seconds, or the error
a request raised), then what the main database holds once the lock is gone and `samleng tick` has run.

The main file's busy timeout is lowered from 20 s to half a second: a request that writes to it fails at once with
"database is locked" instead of waiting, so that each write a login would make to it shows as an error."""

import json
import re
import sqlite3
import sys
import time

import django
from django.conf import settings

settings.DATABASES["default"]["OPTIONS"]["timeout"] = 0.5
django.setup()

import pyotp  # noqa: E402
from django.apps import apps  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.tokens import default_token_generator  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils.encoding import force_bytes  # noqa: E402
from django.utils.http import urlsafe_base64_encode  # noqa: E402

PASSWORD = "a long password 9"
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
settings.LOGIN_MAX_FAILURES = 3
# The tables straight from the models (the migrations take half a minute): in both databases, each where the
# router puts it (core's migrate).
settings.MIGRATION_MODULES = {config.label: None for config in apps.get_app_configs()}
call_command("migrate", run_syncdb=True, verbosity=0)

from samleng.accounts import services  # noqa: E402
from samleng.accounts.models import RecoveryCode, TotpEnrolment, UsedRecoveryCode, User  # noqa: E402
from samleng.core.audit import audit_flush  # noqa: E402
from samleng.core.models import AuditEntry  # noqa: E402
from samleng.core.tick import tick  # noqa: E402


class Flow:
    """The requests of one login flow, each timed; a request that raises (a write that found the main file
    locked) is kept as its error, and the flow stops there."""

    def __init__(self, name: str):
        self.name, self.steps, self.client, self._last = name, [], Client(), None

    def _call(self, method: str, path: str, data=None):
        if any("error" in step for step in self.steps):
            return None
        start = time.perf_counter()
        try:
            response = getattr(self.client, method)(path, data or {})
        except Exception as error:  # noqa: BLE001 - reported, not hidden: the test reads it
            self.steps.append({"path": path, "seconds": time.perf_counter() - start,
                               "error": f"{type(error).__name__}: {error}"})
            return None
        self.steps.append({"path": path, "seconds": time.perf_counter() - start, "status": response.status_code,
                           "to": response.get("Location", "")})
        self._last = response
        return response

    def get(self, path: str):
        return self._call("get", path)

    def post(self, path: str, data: dict):
        return self._call("post", path, data)

    @property
    def last(self):
        return self._last

    def result(self, **extra) -> dict:
        return {"name": self.name, "steps": self.steps, **extra}


def user_make(name: str, confirmed: bool = True) -> tuple[User, str]:
    user = User.objects.create_user(username=name, password=PASSWORD, role="me_officer")
    return user, services.user_totp_setup(user=user, confirmed=True) if confirmed else ""


def password_step(flow: Flow, username: str, password: str = PASSWORD):
    return flow.post("/login/", {"username": username, "password": password})


def code_step(flow: Flow, code: str):
    return flow.post("/two-factor/", {"code": code})


def log_in_with_code(name: str, username: str, secret: str) -> dict:
    flow = Flow(name)
    password_step(flow, username)
    after = code_step(flow, pyotp.TOTP(secret).now())
    if after is not None:
        flow.get(after["Location"])
    flow.post("/logout/", {})
    return flow.result()


def log_in_with_recovery_code(name: str, username: str, code: str) -> dict:
    flow = Flow(name)
    password_step(flow, username)
    code_step(flow, code)
    return flow.result()


def first_set_up(username: str) -> dict:
    """Password, the set-up page (its key read from the page), a first code: the recovery codes shown."""
    flow = Flow("first set-up")
    password_step(flow, username)
    page = flow.get("/two-factor/")
    secret = re.search(r"secret=([A-Z2-7]+)", page.content.decode()).group(1) if page else ""
    shown = code_step(flow, pyotp.TOTP(secret).now()) if secret else None
    codes = re.findall(r"<code>([A-Z0-9]{4}(?:-[A-Z0-9]{4}){3})</code>", shown.content.decode()) if shown else []
    flow.post("/logout/", {})
    return flow.result(secret=secret, codes=codes)


def hash_upgrade(username: str, secret: str) -> dict:
    """A password hash of older settings (a salt too short for the hasher's settings): Django re-hashes it at the
    login. The page after the password must open with the session it made."""
    flow = Flow("password hash upgrade")
    password_step(flow, username)
    flow.get("/two-factor/")
    after = code_step(flow, pyotp.TOTP(secret).now())
    if after is not None:
        flow.get(after["Location"])
    return flow.result()


def lock_out(username: str) -> dict:
    flow = Flow("lock-out")
    for _ in range(settings.LOGIN_MAX_FAILURES + 1):
        password_step(flow, username, "not the password")
    right = password_step(flow, username)  # the right password, now refused: the pair is locked
    return flow.result(locked=right is not None and right.status_code == 200)


NEW_PASSWORD = "another long password 10"


def password_change(username: str, secret: str) -> dict:
    """Logged in (password and code), the password changed: refused at once, saying why, nothing changed."""
    flow = Flow("password change")
    password_step(flow, username)
    code_step(flow, pyotp.TOTP(secret).now())
    flow.post("/password-change/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                    "new_password2": NEW_PASSWORD})
    page = flow.last.content.decode() if flow.last is not None else ""
    return flow.result(busy_said="Your password was not changed" in page and "lang=\"km\"" in page)


def password_reset(link: str) -> dict:
    """The link of a reset mail, then the new password: refused at once, saying why; the link still works."""
    flow = Flow("password reset")
    form = flow.get(link)
    if form is not None:
        flow.post(form["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    page = flow.last.content.decode() if flow.last is not None else ""
    return flow.result(busy_said="Your password was not changed" in page)


def new_recovery_codes(username: str, secret: str) -> dict:
    """Logged in (password and code), new recovery codes made: shown at once (they wait in the runtime database)."""
    flow = Flow("new recovery codes")
    password_step(flow, username)
    code_step(flow, pyotp.TOTP(secret).now())
    shown = flow.post("/recovery-codes/", {"password": PASSWORD})
    codes = re.findall(r"<code>([A-Z0-9]{4}(?:-[A-Z0-9]{4}){3})</code>", shown.content.decode()) if shown else []
    return flow.result(codes=codes)


def main() -> None:
    users = {name: user_make(name, confirmed=name not in {"setup"}) for name in (
        "warm", "plain", "setup", "recovery", "rehash", "locked", "changer", "resetter", "newcodes")}
    recovery_codes = services.recovery_codes_make(user=users["recovery"][0])
    old_codes = services.recovery_codes_make(user=users["newcodes"][0])
    User.objects.filter(username="resetter").update(email="resetter@example.org")
    resetter = User.objects.get(username="resetter")  # the token reads its e-mail address
    reset_link = (f"/password-reset/{urlsafe_base64_encode(force_bytes(resetter.pk))}/"
                  f"{default_token_generator.make_token(resetter)}/")
    hashes = dict(User.objects.filter(username__in=["changer", "resetter"]).values_list("username", "password"))
    old_hash = make_password(PASSWORD, salt="short", hasher="md5")  # too little salt: Django upgrades it
    User.objects.filter(username="rehash").update(password=old_hash)
    log_in_with_code("warm", "warm", users["warm"][1])  # the first request of a process loads what later ones use

    lock = sqlite3.connect(settings.DATABASES["default"]["NAME"], isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    lock.execute("UPDATE accounts_user SET first_name = 'importing'")
    flows = [
        log_in_with_code("password and code", "plain", users["plain"][1]),
        set_up := first_set_up("setup"),
        log_in_with_recovery_code("recovery code", "recovery", recovery_codes[0]),
        log_in_with_recovery_code("the same recovery code again", "recovery", recovery_codes[0]),
        hash_upgrade("rehash", users["rehash"][1]),
        lock_out("locked"),
        password_change("changer", users["changer"][1]),
        password_reset(reset_link),
        made := new_recovery_codes("newcodes", users["newcodes"][1]),
    ]
    if made["codes"]:
        flows += [log_in_with_recovery_code("a new recovery code", "newcodes", made["codes"][0]),
                  log_in_with_recovery_code("an old recovery code", "newcodes", old_codes[0])]
    if set_up["codes"]:
        flows += [log_in_with_recovery_code("a code of the set-up", "setup", set_up["codes"][0]),
                  log_in_with_recovery_code("the set-up's code again", "setup", set_up["codes"][0])]
    while_locked = {
        "setup_in_record": User.objects.filter(username="setup", totp_confirmed=True).exists(),
        "enrolments": TotpEnrolment.objects.count(),
        "used_codes_waiting": UsedRecoveryCode.objects.count(),
        "rehash_unchanged": User.objects.get(username="rehash").password == old_hash,
        "passwords_unchanged": hashes == dict(User.objects.filter(username__in=["changer", "resetter"]).values_list(
            "username", "password")),
        "new_codes_in_record": _code_hashes("newcodes") == {services._recovery_hash(c) for c in made["codes"]},
    }
    lock.execute("ROLLBACK")

    ran = {name: (said, ok) for name, said, ok in tick()}
    audit_flush()
    setup_user = User.objects.get(username="setup")
    after_tick = {
        "tick": ran.get("two_factor_moves"),
        "setup_confirmed": setup_user.totp_confirmed and setup_user.totp_secret == set_up["secret"],
        "setup_codes": RecoveryCode.objects.filter(user=setup_user).count(),
        "setup_codes_used": RecoveryCode.objects.filter(user=setup_user, used_at__isnull=False).count(),
        "recovery_codes_used": RecoveryCode.objects.filter(user=users["recovery"][0],
                                                           used_at__isnull=False).count(),
        "enrolments": TotpEnrolment.objects.count(),
        "used_codes_waiting": UsedRecoveryCode.objects.count(),
        "new_codes_in_record": _code_hashes("newcodes") == {services._recovery_hash(c) for c in made["codes"]},
        "new_codes_used": RecoveryCode.objects.filter(user__username="newcodes", used_at__isnull=False).count(),
        "audit": sorted(AuditEntry.objects.filter(summary__startswith="two-factor").values_list(
            "user__username", "summary")),
    }
    again = [log_in_with_recovery_code("the recovery code after the tick", "recovery", recovery_codes[0]),
             password_reset(reset_link) | {"name": "password reset, the lock gone"}]
    if set_up["codes"]:
        again.append(log_in_with_recovery_code("the set-up's code after the tick", "setup", set_up["codes"][0]))
    upgraded_later = Flow("password hash upgrade, the lock gone")
    password_step(upgraded_later, "rehash")
    after_tick["rehash_upgraded_later"] = User.objects.get(username="rehash").password != old_hash
    print(json.dumps({"flows": flows, "while_locked": while_locked, "after_tick": after_tick, "again": again,
                      "upgraded_later": upgraded_later.result()}))


def _code_hashes(username: str) -> set[str]:
    return set(RecoveryCode.objects.filter(user__username=username).values_list("code_hash", flat=True))


if __name__ == "__main__":
    main()
    sys.exit(0)
