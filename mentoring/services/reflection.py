"""Time to think (issue 20): reflection time logged against protected time, and the private reflection after a
confirmed session. Both belong to their author alone; only the hours of reflection time leave this module (as
protected time used, through programmes.hooks.REFLECTION_HOURS)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring.models import MentoringSession, ReflectionTime, SessionReflection
from programmes.models import Membership, Person, Programme

REFLECTION_MAX_CHARS = 2000


def reflection_programmes(person: Person) -> QuerySet[Programme]:
    """The programmes a person may log reflection time in: those they are a mentor or mentee of."""
    return Programme.objects.filter(
        pk__in=Membership.objects.participants().filter(person=person).values("programme")
    ).order_by("name")


def _check(*, person: Person, programme: Programme, day: datetime.date, hours: Decimal) -> None:
    errors: dict[str, str] = {}
    if not reflection_programmes(person).filter(pk=programme.pk).exists():
        errors["programme"] = _("You can log reflection time only in a programme you are a mentor or mentee of.")
    if day > timezone.localdate():
        errors["day"] = _("Log reflection time once you have spent it: this day is still to come.")
    if hours is None or not ReflectionTime.MIN_HOURS <= hours <= ReflectionTime.MAX_HOURS:
        errors["hours"] = _("Between %(low)s and %(high)s hours for one day.") % {
            "low": ReflectionTime.MIN_HOURS,
            "high": ReflectionTime.MAX_HOURS,
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def reflection_time_log(
    *, person: Person, programme: Programme, day: datetime.date, hours: Decimal, note: str = ""
) -> ReflectionTime:
    """Log thinking and reflection time: it counts as protected time used in ``programme``."""
    _check(person=person, programme=programme, day=day, hours=hours)
    entry = ReflectionTime(person=person, programme=programme, day=day, hours=hours, note=(note or "").strip())
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def reflection_time_update(
    *, entry: ReflectionTime, programme: Programme, day: datetime.date, hours: Decimal, note: str = ""
) -> ReflectionTime:
    _check(person=entry.person, programme=programme, day=day, hours=hours)
    note = (note or "").strip()
    if (entry.programme_id, entry.day, entry.hours, entry.note) == (programme.pk, day, hours, note):
        return entry  # saved unchanged: nothing changes, not even the time of the last change
    entry.programme, entry.day, entry.hours, entry.note = programme, day, hours, note
    entry.updated_at = timezone.now()
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def reflection_time_delete(*, entry: ReflectionTime) -> None:
    entry.delete()


def _require_own_confirmed_session(session: MentoringSession, author: Person) -> None:
    pairing = session.pairing
    if author.pk not in (pairing.mentor_id, pairing.mentee_id):
        raise ValidationError(_("Only the two people of the pairing reflect on its sessions."))
    if session.status != MentoringSession.Status.CONFIRMED:
        raise ValidationError(_("You can reflect on a session once it is confirmed."))


@transaction.atomic
def session_reflection_write(*, session: MentoringSession, author: Person, text: str) -> SessionReflection | None:
    """Write, change or (with no text) remove the author's own reflection on a confirmed session."""
    _require_own_confirmed_session(session, author)
    text = (text or "").strip()
    if len(text) > REFLECTION_MAX_CHARS:
        raise ValidationError({"text": _("Keep it under %(count)s characters.") % {"count": REFLECTION_MAX_CHARS}})
    existing = SessionReflection.objects.select_for_update().filter(session=session, author=author).first()
    if not text:
        if existing:
            existing.delete()
        return None
    if existing is None:
        reflection = SessionReflection(session=session, author=author, text=text)
        reflection.full_clean(validate_constraints=False)
        reflection.save()
        return reflection
    if existing.text != text:
        existing.text, existing.updated_at = text, timezone.now()
        existing.save(update_fields=["text", "updated_at"])
    return existing
