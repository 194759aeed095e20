"""SCIM provisioning: the bearer tokens an identity provider uses to create, update and deactivate people.

Only a hash of each token is kept: the administrator sees the token once, when it is made, and can revoke it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.single_line import SingleLineCharField


class ScimTokenQuerySet(models.QuerySet):
    def usable(self) -> ScimTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ScimToken(models.Model):
    name = SingleLineCharField(
        max_length=100, help_text=gettext_lazy("Which identity provider uses it, e.g. “Entra ID”.")
    )
    # sha256 of the token, hex: a database dump or backup does not give anyone a working token.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        "programmes.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScimTokenQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("SCIM token")
        verbose_name_plural = gettext_lazy("SCIM tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name
