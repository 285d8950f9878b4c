"""Logging in the real way in tests (the shared `login(user)` in samleng/conftest.py skips both steps)."""

import pyotp
from django.test import Client

from samleng.accounts.models import User
from samleng.conftest import PASSWORD


def log_in_with_password(client: Client, username: str, password: str = PASSWORD, next_url: str = ""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/login/", data)


def log_in_staff(user: User, secret: str, password: str = PASSWORD) -> Client:
    """A client logged in as a staff member the real way: password, then the current TOTP code."""
    client = Client()
    response = log_in_with_password(client, user.username, password)
    assert response.status_code == 302 and response.url.startswith("/two-factor/")
    response = client.post("/two-factor/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and not response.url.startswith("/two-factor/")
    return client
