"""Encryption at rest for personal numbers (ID card, passport).

Values are encrypted with Fernet (AES-128-CBC + HMAC) under the keys in WAISHI_FIELD_KEYS; the first
key encrypts, every key decrypts, so keys can be rotated. A keyed digest of the normalised value
allows exact look-ups ("is this passport already registered?") without storing the number.
"""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@cache
def _fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in settings.FIELD_KEYS])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "WAISHI_FIELD_KEYS must hold url-safe base64 Fernet keys, comma-separated"
        ) from exc


@cache
def _digest_key() -> bytes:
    # Derived from the first key, never the key itself; stable while that key is the primary.
    return hashlib.sha256(b"waishi-digest:" + settings.FIELD_KEYS[0].encode()).digest()


def normalise_number(value: str) -> str:
    return "".join(value.split()).upper()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An encrypted value cannot be read with WAISHI_FIELD_KEYS: was a key removed?"
        ) from exc


def digest(value: str) -> str:
    return hmac.new(_digest_key(), normalise_number(value).encode(), hashlib.sha256).hexdigest()


def mask(value: str, keep_start: int = 1, keep_end: int = 4) -> str:
    """Show only the ends of a number: 110101199001011234 → 1*************1234."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    middle = len(value) - keep_start - keep_end
    return value[:keep_start] + "*" * middle + value[-keep_end:]


class EncryptedTextField(models.TextField):
    """A text column whose content is only ever stored encrypted."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
