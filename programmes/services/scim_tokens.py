"""The bearer tokens SCIM clients (identity providers) authenticate with: made by an administrator, shown once,
kept only as a sha256 hash, revocable."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from ..models import Person, ScimToken
from .audit import audit_record

TOKEN_PREFIX = "tandem_scim_"
# Writing "last used" on every request would make each SCIM call a write; once a minute is precise enough.
LAST_USED_PRECISION_SECONDS = 60


def scim_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def scim_token_create(*, name: str, by: Person | None) -> tuple[ScimToken, str]:
    """A new token: returns the row and the token itself, which is never stored and cannot be shown again."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ScimToken.objects.create(name=name.strip(), token_hash=scim_token_hash(raw), created_by=by)
    audit_record(actor=by, action="scim_token.created", obj=token, summary=f"SCIM token “{token.name}” created.")
    return token, raw


@transaction.atomic
def scim_token_revoke(*, token: ScimToken, by: Person | None) -> ScimToken:
    """Revoke a token: every later request with it gets 401. Revoking twice changes nothing."""
    token = ScimToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=by, action="scim_token.revoked", obj=token, summary=f"SCIM token “{token.name}” revoked.")
    return token


def scim_token_authenticate(raw: str) -> ScimToken | None:
    """The usable token that ``raw`` is, or None (unknown, or revoked). Marks it used."""
    if not raw or len(raw) > 200:
        return None
    token = ScimToken.objects.usable().filter(token_hash=scim_token_hash(raw)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= LAST_USED_PRECISION_SECONDS:
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
