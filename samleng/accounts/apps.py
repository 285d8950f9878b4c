from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "samleng.accounts"
    label = "accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from samleng.accounts.middleware import session_started

        # Every login (the form's, and tests' force_login) starts the idle clock in the session it saves.
        user_logged_in.connect(session_started, dispatch_uid="samleng.accounts.session_started")
