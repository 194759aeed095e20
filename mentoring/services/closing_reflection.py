"""The closing reflection each side of a pairing writes once it has closed: PRIVATE to its author (no notice,
no coordinator, no report ever reads it)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mentoring.models import ClosingReflection, Pairing
from mentoring.services.pairing import require_side
from programmes.models import Person

REFLECTION_MAX_CHARS = 5000


def reflection_closable(pairing: Pairing) -> bool:
    """A pairing that ran and has closed asks each side for a reflection (a declined proposal never ran)."""
    return pairing.status in (Pairing.Status.COMPLETED, Pairing.Status.ENDED_EARLY) and pairing.started_on is not None


@transaction.atomic
def reflection_write(*, pairing: Pairing, author: Person, text: str) -> ClosingReflection:
    """Write or rewrite the author's own closing reflection. Nobody is told: it is for its author only."""
    require_side(pairing, author, "write a closing reflection on")
    if not reflection_closable(pairing):
        raise ValidationError(_("A closing reflection is written once the pairing has completed or ended."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a few words, or leave the page: nothing is saved until you do.")})
    if len(text) > REFLECTION_MAX_CHARS:
        raise ValidationError({"text": _("Keep it under %(count)s characters.") % {"count": REFLECTION_MAX_CHARS}})
    reflection = (
        ClosingReflection.objects.select_for_update(of=("self",)).filter(pairing=pairing, author=author).first()
    )
    if reflection is None:
        reflection = ClosingReflection(pairing=pairing, author=author)
    reflection.text = text
    reflection.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            reflection.save()
    except IntegrityError:
        # The same author saved twice at once (two tabs): the first one won; keep the newer text.
        reflection = ClosingReflection.objects.get(pairing=pairing, author=author)
        reflection.text = text
        reflection.save(update_fields=["text"])
    return reflection
