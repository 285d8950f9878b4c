"""Encryption at rest for personal data (phone numbers, Telegram ids, two-factor secrets).

`SAMLENG_FIELD_KEY` holds one or more Fernet keys, comma-separated, newest first (settings
FIELD_ENCRYPTION_KEYS): the first encrypts, every one decrypts, so that a new key can be put in front and
`samleng rotate_field_key` then re-encrypts every value with it (README: rotating the field key)."""

import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in settings.FIELD_ENCRYPTION_KEYS])


@receiver(setting_changed)
def _keys_changed(*, setting, **kwargs):
    if setting == "FIELD_ENCRYPTION_KEYS":
        _fernet.cache_clear()


def key_id(key: str) -> str:
    """A short fingerprint of a key, to name it (in a backup's header, a message) without revealing it."""
    return hashlib.sha256(b"samleng-key-id:" + key.strip().encode()).hexdigest()[:12]


def field_key_ids() -> list[str]:
    """The fingerprints of the field keys in use, newest first."""
    return [key_id(key) for key in settings.FIELD_ENCRYPTION_KEYS]


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ValueError("This value was encrypted with another SAMLENG_FIELD_KEY.") from error


def rotate(token: str) -> str:
    """`token` encrypted again with the newest key (ValueError if no key of SAMLENG_FIELD_KEY opens it)."""
    if not token:
        return ""
    try:
        return _fernet().rotate(token.encode()).decode()
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
