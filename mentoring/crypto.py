"""Encryption at rest for private notes: Fernet (AES-128-CBC with HMAC-SHA256) from the ``cryptography`` package.

Keys come from ``TANDEM_NOTE_KEYS`` (settings). The first key encrypts; every key decrypts (MultiFernet), so
rotating is: put a new key first, run ``manage.py rotate_note_keys`` (re-encrypts every note with it), then
drop the old key. A database dump or backup therefore holds no note text in clear.

Only mentoring.relationship calls ``decrypt``, and only after mentoring.permissions said the reader may.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.TANDEM_NOTE_KEYS))


def encrypt(text: str) -> str:
    return _current().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The clear text; a note no configured key opens reads as a notice instead of failing the page."""
    try:
        return _current().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        return "(This note cannot be read: it was encrypted with a key this installation no longer has.)"


def rotate(token: str) -> str:
    """The same text encrypted with the current first key (raises InvalidToken if no key opens it)."""
    return _current().rotate(token.encode("ascii")).decode("ascii")
