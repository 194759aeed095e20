"""Encryption at rest for what a pair writes: Fernet (AES-128-CBC with HMAC-SHA256) from the ``cryptography``
package.

Keys come from ``TANDEM_NOTE_KEYS`` (settings). The first key encrypts; every key decrypts (MultiFernet), so
rotating is: put a new key first, run ``manage.py rotate_note_keys`` (re-encrypts every private note and every
encrypted field with it), then drop the old key. A database dump or backup therefore holds none of it in clear.

Two users: private notes keep their ``ciphertext`` column, which only mentoring.services.relationship decrypts after
mentoring.permissions said the reader may; the pair's other words (goal titles, summaries, arrangements...)
sit in ``mentoring.fields.EncryptedTextField`` columns, encrypted on save and decrypted on load, so that the code
reads plain strings and each page keeps deciding who sees what.
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


def decrypt_or_none(token: str) -> str | None:
    """The clear text, or None when no configured key opens the token."""
    try:
        return _current().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        return None


def rotate(token: str) -> str:
    """The same text encrypted with the current first key (raises InvalidToken if no key opens it)."""
    return _current().rotate(token.encode("ascii")).decode("ascii")
