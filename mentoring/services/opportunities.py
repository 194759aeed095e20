"""A mentor suggests a learning opportunity to their mentee, from the pair's workspace."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programmes.models import Opportunity, Person
from programmes.services.audit import audit_record
from programmes.services.notifications import notification_send

from ..models import OpportunitySuggestion, Pairing


@transaction.atomic
def opportunity_suggest(*, pairing: Pairing, opportunity: Opportunity, by: Person) -> OpportunitySuggestion:
    """The mentor of a current pairing suggests an open opportunity to the mentee, once; the mentee is told."""
    if by.pk != pairing.mentor_id:
        raise ValidationError(_("Only the mentor of this pairing can suggest an opportunity."))
    if pairing.status not in Pairing.CURRENT:
        raise ValidationError(_("Suggestions are for a pairing that is running."))
    if opportunity.status != Opportunity.Status.OPEN:
        raise ValidationError(_("This opportunity is closed."))
    if opportunity.host_id == pairing.mentee_id:
        raise ValidationError(_("Your mentee hosts this opportunity."))
    try:
        with transaction.atomic():
            suggestion = OpportunitySuggestion.objects.create(pairing=pairing, opportunity=opportunity, suggested_by=by)
    except IntegrityError:
        raise ValidationError(_("You have already suggested this opportunity.")) from None
    audit_record(
        actor=by,
        action="opportunity.suggested",
        obj=suggestion,
        programme=pairing.programme,
        subject=pairing.mentee,
        summary=opportunity.title[:200],
    )
    notification_send(
        people=[pairing.mentee],
        text=lambda: (
            _("Your mentor %(mentor)s suggests a learning opportunity: “%(title)s”.")
            % {"mentor": by, "title": opportunity.title}
        ),
        url=reverse("mentoring:pairing_detail", args=[pairing.pk]) + "#opportunities",
        email_subject=gettext_lazy("Your mentor suggests a learning opportunity"),
        email_body=lambda: (
            _(
                "%(mentor)s suggests “%(title)s” for what you want to develop. You find it in your mentoring "
                "workspace, where you can ask for it; your line manager approves the time."
            )
            % {"mentor": by, "title": opportunity.title}
        ),
    )
    return suggestion


def suggestion_pairing_for(person: Person, opportunity: Opportunity, suggestion_id: int) -> int | None:
    """programmes.hooks.OPPORTUNITY_SUGGESTIONS: the pairing of a suggestion of ``opportunity`` made to
    ``person`` as the mentee, else None."""
    return (
        OpportunitySuggestion.objects.filter(pk=suggestion_id, opportunity=opportunity, pairing__mentee=person)
        .values_list("pairing_id", flat=True)
        .first()
    )
