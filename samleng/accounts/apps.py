import datetime as dt

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "samleng.accounts"
    label = "accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from samleng.accounts.middleware import session_started

        # Every login (the form's, and tests' force_login) starts the idle clock in the session it saves.
        user_logged_in.connect(session_started, dispatch_uid="samleng.accounts.session_started")
        # Django writes the user's last_login at the login, to the main database, where it would wait for an
        # import's write lock: it is set instead when `samleng tick` moves the login's queued audit entry into
        # the log (services.last_login_from_audit).
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        from samleng.accounts.services import last_login_from_audit
        from samleng.core.audit import audit_flushed

        audit_flushed.connect(last_login_from_audit, dispatch_uid="samleng.accounts.last_login")
        from samleng.accounts.services import two_factor_moves
        from samleng.core import tick

        # A first two-factor set-up and the recovery codes used at logins while an import held the main database
        # are kept in the runtime database until they can be moved into the users' records (services).
        tick.register("two_factor_moves", every=dt.timedelta(minutes=1), run=two_factor_moves)
        # Sessions past their expiry (an idle or closed browser's) are never read again: deleted once a day.
        tick.register("expired_sessions", every=dt.timedelta(days=1), run=_expired_sessions_clear)


def _expired_sessions_clear() -> str:
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return f"{deleted} expired sessions deleted"
