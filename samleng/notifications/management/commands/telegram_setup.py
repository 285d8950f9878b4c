"""samleng telegram_setup: tell Telegram where the bot's webhook is (SAMLENG_SITE_URL + /telegram/webhook/) and
the secret it must send with each update (SAMLENG_TELEGRAM_SECRET). Run it once, and again when either changes."""

import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from samleng.notifications import channels, messages


class Command(BaseCommand):
    help = ("Register the Telegram bot's webhook (SAMLENG_SITE_URL + /telegram/webhook/) with its secret "
            "(SAMLENG_TELEGRAM_SECRET); needs SAMLENG_TELEGRAM_TOKEN.")

    def handle(self, *args, **options):
        if not settings.TELEGRAM_TOKEN:
            raise CommandError("SAMLENG_TELEGRAM_TOKEN is not set: create the bot with BotFather first "
                               "(samleng/notifications/README.md).")
        if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", settings.TELEGRAM_SECRET):
            raise CommandError("SAMLENG_TELEGRAM_SECRET must be 16 to 256 characters of A-Z, a-z, 0-9, _ and - "
                               "(python3 -c 'import secrets; print(secrets.token_urlsafe(32))').")
        url = messages.site_url(reverse("notifications:telegram_webhook"))
        if not url.startswith("https://"):
            self.stderr.write(f"Telegram takes only an HTTPS webhook; SAMLENG_SITE_URL makes it {url}.")
        outcome = channels.telegram_client().call("setWebhook", {
            "url": url, "secret_token": settings.TELEGRAM_SECRET, "allowed_updates": ["message", "my_chat_member"]})
        if outcome.result != channels.SENT:
            raise CommandError(f"Telegram did not take the webhook: {outcome.detail or outcome.why}")
        self.stdout.write(f"Telegram sends the bot's updates to {url}")
