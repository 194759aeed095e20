"""The learning-environment audit acted on: a unit's action plan (written by its lead), the coordinators told,
and the two-round alert raised when an audit round closes."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.i18n import in_language_of
from programmes.models import Person
from programmes.services.notifications import Notice, coordinators_of, notices_send

from ..models import ActionPlan, AuditAction, AuditActionChange, AuditAlert, Survey, SurveyRound
from ..models.audit_plans import MAX_ACTIONS
from ..selectors.audit_plans import RESTRICTIVE_LEVEL, dimension_choices, previous_round, round_units, same_group

FIELDS = ("dimension", "text", "due_on", "status", "done_text")


@transaction.atomic
def action_plan_save(
    *, survey_round: SurveyRound, unit_pk: int, unit_name: str, by: Person, actions: list[dict]
) -> ActionPlan:
    """Write the unit's plan after the round: ``actions`` in order, each {"dimension", "text", "due_on", "status",
    "done_text"} (an empty text drops the action). Up to three; each tied to one of the audit's dimensions. A status
    that changes is written to the action's history. The coordinators are told when the plan is first made."""
    actions = [a for a in actions if (a.get("text") or "").strip()]
    if not actions:
        raise ValidationError(_("Write at least one action."))
    if len(actions) > MAX_ACTIONS:
        raise ValidationError(_("A plan holds up to %(max)s actions.") % {"max": MAX_ACTIONS})
    dimensions = dict(dimension_choices())
    for action in actions:
        if action.get("dimension") not in dimensions:
            raise ValidationError(_("Choose one of the audit's dimensions for each action."))
        if action.get("status") not in AuditAction.Status.values:
            raise ValidationError(_("Choose a status for each action."))
        if not isinstance(action.get("due_on"), datetime.date):
            raise ValidationError(_("Give each action a due date."))
    plan, created = ActionPlan.objects.select_for_update().get_or_create(
        round=survey_round, unit_id=unit_pk, defaults={"created_by": by}
    )
    existing = {a.position: a for a in plan.actions.all()}
    changes, changed = [], False
    for position, wanted in enumerate(actions, start=1):
        action = existing.pop(position, None) or AuditAction(plan=plan, position=position)
        old_status = action.status if action.pk else None
        before = [getattr(action, name) for name in FIELDS] if action.pk else None
        for name in FIELDS:
            value = wanted.get(name)
            setattr(action, name, (value or "").strip() if name in ("text", "done_text") else value)
        if before == [getattr(action, name) for name in FIELDS]:
            continue  # saved unchanged: nothing written, no history
        action.full_clean()
        action.save()
        changed = True
        if old_status != action.status:
            changes.append(AuditActionChange(action=action, status=action.status, by=by))
    for dropped in existing.values():
        dropped.delete()
        changed = True
    AuditActionChange.objects.bulk_create(changes)
    if created:
        transaction.on_commit(lambda: _coordinators_tell(plan.pk, unit_name))
    elif changed:
        plan.updated_at = timezone.now()
        plan.save(update_fields=["updated_at"])
    return plan


def _coordinators_tell(plan_pk: int, unit_name: str) -> None:
    plan = ActionPlan.objects.select_related("round__survey", "round__programme").get(pk=plan_pk)
    url = reverse("evaluation:audit_overview", args=[plan.round.programme_id, plan.round_id])
    notices = []
    for person in coordinators_of(plan.round.programme):
        with in_language_of(person):
            text = _("%(unit)s made an action plan after “%(round)s”.") % {
                "unit": unit_name,
                "round": plan.round.display_title,
            }
        notices.append(Notice(person=person, text=text, url=url))
    notices_send(notices)


def audit_alerts_raise(*, survey_round: SurveyRound) -> int:
    """Raise an alert for each unit restrictive (level 2 or below) on a dimension in this round and the programme's
    audit round before it; how many are new. Idempotent: one row per (unit, dimension, round)."""
    if survey_round.survey.kind != Survey.Kind.LEARNING_ENVIRONMENT:
        return 0
    before = previous_round(survey_round)
    if before is None:
        return 0
    now, earlier = round_units(survey_round), round_units(before)
    raised = []
    for unit in now.shown():
        was = earlier.units.get(unit.pk)
        if not same_group(unit, was):
            continue
        previous = {d.dimension: d.cell for d in was.dimensions}
        for dimension in unit.dimensions:
            old = previous.get(dimension.dimension)
            if old is None or old.level is None or dimension.cell.level is None:
                continue
            if dimension.cell.level <= RESTRICTIVE_LEVEL and old.level <= RESTRICTIVE_LEVEL:
                raised.append(
                    AuditAlert(
                        programme_id=survey_round.programme_id,
                        round=survey_round,
                        previous_round=before,
                        unit_id=unit.pk,
                        dimension=dimension.dimension,
                        mean=Decimal(str(dimension.cell.mean)),
                        previous_mean=Decimal(str(old.mean)),
                    )
                )
    had = AuditAlert.objects.filter(round=survey_round).count()
    AuditAlert.objects.bulk_create(raised, ignore_conflicts=True)  # the unique row: raised once
    return AuditAlert.objects.filter(round=survey_round).count() - had


@transaction.atomic
def audit_alert_handle(*, alert: AuditAlert, by: Person, status: str) -> AuditAlert:
    """Acknowledge or resolve an alert (a resolved one stays resolved)."""
    if status not in (AuditAlert.Status.ACKNOWLEDGED, AuditAlert.Status.RESOLVED):
        raise ValidationError(_("Choose acknowledge or resolve."))
    if alert.status == AuditAlert.Status.RESOLVED:
        raise ValidationError(_("This alert is resolved already."))
    alert.status, alert.handled_by, alert.handled_at = status, by, timezone.now()
    alert.save(update_fields=["status", "handled_by", "handled_at"])
    return alert
