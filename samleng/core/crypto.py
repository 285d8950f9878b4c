"""Encryption at rest for personal data (phone numbers, Telegram ids)."""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models


@lru_cache(maxsize=1)
def _fernet() -> Fernet:
    return Fernet(settings.FIELD_ENCRYPTION_KEY.encode())


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ValueError("This value was encrypted with another SAMLENG_FIELD_KEY.") from error


class EncryptedTextField(models.TextField):
    """A text field stored encrypted. It cannot be searched or filtered on, by design."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else ""

    def get_prep_value(self, value):
        return encrypt(str(value)) if value else ""

    def to_python(self, value):
        return value or ""
