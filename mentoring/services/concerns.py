"""Concerns and the fit question: "I would like help with this relationship" and "how is the fit?", which raise
alerts for the coordinators (mentoring.services.alerts). The partner is never told of a concern, and the
coordinators' notices never carry its words.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.dates import long_date
from mentoring.models import Alert, Concern, FitAnswer, MentoringSession, Pairing
from mentoring.said import words
from mentoring.services.alerts import coordinators_alert
from mentoring.services.pairing import pairing_lock
from mentoring.services.relationship import require_pair_member
from programmes.models import Person, Role
from programmes.services.audit import audit_record

CONCERN_MAX_CHARS = 2000


@transaction.atomic
def concern_raise(*, pairing: Pairing, by: Person, text: str) -> Concern:
    """ "I would like help with this relationship": to the coordinators only; the partner is not told."""
    pairing = pairing_lock(pairing)
    require_pair_member(pairing, by, "raise a concern about their pairing")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Tell the coordinators, in a few words, what you would like help with.")})
    if len(text) > CONCERN_MAX_CHARS:
        raise ValidationError({"text": _("Keep it under %(count)s characters.") % {"count": CONCERN_MAX_CHARS}})
    concern = Concern.objects.create(pairing=pairing, raised_by=by, text=text)
    Alert.objects.create(
        programme_id=pairing.programme_id,
        pairing=pairing,
        kind=Alert.Kind.CONCERN,
        severity=Alert.Severity.HIGH,
        concern=concern,
        reason=_("%(by)s asked for help with this relationship on %(date)s.")
        % {"by": by, "date": long_date(timezone.localdate())},
    )
    coordinators_alert(
        pairing,
        text=words(
            gettext_noop("%(by)s asked for help with their mentoring pairing in %(programme)s."),
            by=by,
            programme=pairing.programme,
        ),
    )
    audit_record(
        actor=by,
        action="concern.raised",
        obj=concern,
        programme=pairing.programme,
        subject=by,
        summary=f"{by} asked the coordinators for help with their pairing.",  # never the words themselves
    )
    return concern


@transaction.atomic
def fit_answer(*, pairing: Pairing, by: Person, fit: str) -> FitAnswer:
    pairing = pairing_lock(pairing)
    side = require_pair_member(pairing, by, "say how the fit is")
    if fit not in FitAnswer.Fit.values:
        raise ValidationError(_("Choose good, still deciding or not good."))
    if not MentoringSession.objects.filter(pairing=pairing).exists():
        raise ValidationError(_("The fit question opens after your first session."))
    previous = FitAnswer.objects.filter(pairing=pairing, person=by).first()
    answer, _created = FitAnswer.objects.update_or_create(
        pairing=pairing, person=by, defaults={"fit": fit, "answered_at": timezone.now()}
    )
    if fit == FitAnswer.Fit.NOT_GOOD and (previous is None or previous.fit != FitAnswer.Fit.NOT_GOOD):
        Alert.objects.create(
            programme_id=pairing.programme_id,
            pairing=pairing,
            kind=Alert.Kind.FIT,
            severity=Alert.Severity.HIGH,
            reason=(
                _("The mentor answered 'not good' to \"how is the fit?\" on %(date)s.")
                if side == Role.MENTOR
                else _("The mentee answered 'not good' to \"how is the fit?\" on %(date)s.")
            )
            % {"date": long_date(timezone.localdate())},
        )
        coordinators_alert(
            pairing,
            text=words(
                gettext_noop("A pairing in %(programme)s says the fit is not good."), programme=pairing.programme
            ),
        )
    return answer
