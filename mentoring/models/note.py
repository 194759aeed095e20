"""Private notes on a session: encrypted, readable by their author (and by the partner when shared)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.models.session import MentoringSession
from programmes.models import Person


class PrivateNote(models.Model):
    """One side's own note on a session. PRIVATE: the text is stored encrypted (mentoring.crypto) and is
    readable by its author, and by the partner only while ``shared`` is on. Never by coordinators, line
    managers, committees or administrators; not registered in the Django admin; never in a notice or export
    other than the author's own."""

    session = models.ForeignKey(MentoringSession, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    ciphertext = models.TextField(editable=False)
    shared = models.BooleanField(_("shared with my partner"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "author"], name="private_note_one_per_author")]

    def __str__(self) -> str:
        return f"Private note #{self.pk}"  # never the text

    def __repr__(self) -> str:
        return f"<PrivateNote #{self.pk}>"  # a traceback or log line shows no ciphertext either
