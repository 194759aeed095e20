"""Access to committee reports (only a programme's committee members; they see aggregates only), and to the
coordinators' alerts and interventions of one programme."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core.ids import id_or_404
from mentoring.models import Alert, Pairing
from programmes.models import Membership, OrgUnit, Person, Programme, Role
from programmes.permissions import get_participant_for, get_programme_for, roles_in

from .models import AuditAlert, Intervention, Question, Report, ReportDecision, Survey, SurveyInvitation, SurveyRound
from .selectors.audit_plans import unit_leads

# Alerts and interventions: the programme's coordinators only
# The views first call ``get_programme_for(user, pk, manage=True)`` (outsiders 404, other members 403); these
# helpers then find an object *of that programme*: an id of another programme is a 404, whoever asks.


def _int_or_404(value: object) -> int:
    return id_or_404(value)  # 2**63 or more is a 404, not an OverflowError on SQLite


def get_intervention_for(programme: Programme, pk: int) -> Intervention:
    intervention = get_object_or_404(
        Intervention.objects.filter(programme=programme).select_related(
            "pairing__mentor", "pairing__mentee", "person", "created_by", "closed_by"
        ),
        pk=pk,
    )
    intervention.programme = programme  # keeps my_roles, and saves a query
    return intervention


def get_alert_in(programme: Programme, pk: object) -> Alert:
    """An alert of ``programme`` (a query-string id is accepted as it comes: anything else is a 404)."""
    alert = get_object_or_404(
        Alert.objects.filter(programme=programme).select_related("pairing__mentor", "pairing__mentee"),
        pk=_int_or_404(pk),
    )
    alert.programme = programme
    return alert


def get_pairing_in(programme: Programme, pk: object) -> Pairing:
    pairing = get_object_or_404(
        Pairing.objects.filter(programme=programme).select_related("mentor", "mentee"), pk=_int_or_404(pk)
    )
    pairing.programme = programme
    return pairing


def get_participant_in(programme: Programme, pk: object) -> Person:
    """A mentor or mentee of ``programme``; anybody else (a committee member, an outsider) is a 404."""
    return get_participant_for(programme, _int_or_404(pk)).person


# Surveys
# Survey templates, rounds and results: the programme's coordinators only (outsiders 404, other members 403).
# A programme sees its own surveys and the built-ins; built-ins are read-only (403 on a change). An invitation
# is its person's alone: anyone else, whatever their roles, gets a 404.


def get_survey_for(person: Person, pk: int, survey_pk: int, *, edit: bool = False) -> Survey:
    programme = get_programme_for(person, pk, manage=True)
    survey = get_object_or_404(Survey.objects.filter(Q(programme=programme) | Q(programme__isnull=True)), pk=survey_pk)
    if edit and survey.programme_id is None:
        raise PermissionDenied(_("Built-in surveys cannot be changed; create your own survey instead."))
    survey.for_programme = programme  # keeps my_roles for the page
    if survey.programme_id:
        survey.programme = programme  # saves a query
    return survey


def get_question_for(person: Person, pk: int, survey_pk: int, question_pk: int) -> Question:
    survey = get_survey_for(person, pk, survey_pk, edit=True)
    question = get_object_or_404(Question.objects.filter(survey=survey), pk=question_pk)
    question.survey = survey
    return question


def get_round_for(person: Person, pk: int, round_pk: int) -> SurveyRound:
    programme = get_programme_for(person, pk, manage=True)
    survey_round = get_object_or_404(
        SurveyRound.objects.filter(programme=programme).select_related("survey"), pk=round_pk
    )
    survey_round.programme = programme
    return survey_round


def get_invitation_for(person: Person, invitation_pk: int) -> SurveyInvitation:
    return get_object_or_404(
        SurveyInvitation.objects.filter(person=person).select_related(
            "round__survey", "round__programme", "pairing__mentor", "pairing__mentee"
        ),
        pk=invitation_pk,
    )


# Committee reports
# A report is seen by the programme's coordinators (from its draft on) and by its committee members (once it is
# submitted: a draft is a 404 to them). Everyone else never learns it exists.


def _holds(person: Person, role: str) -> Exists:
    return Exists(Membership.objects.filter(programme=OuterRef("programme"), person=person, role=role))


def reports_visible_to(person: Person) -> QuerySet[Report]:
    if not person.is_authenticated:
        return Report.objects.none()
    committee = Q(_holds(person, Role.COMMITTEE)) & ~Q(status=Report.Status.DRAFT)
    return Report.objects.filter(Q(_holds(person, Role.COORDINATOR)) | committee)


def get_report_for(person: Person, pk: int, *, as_: str | None = None) -> Report:
    """A report the person may see (else 404), with ``report.viewer``: {"coordinator", "committee"}.

    ``as_`` requires one of those capacities (else 403): coordinators edit, submit and publish; committee members
    comment, decide and sign off.
    """
    report = get_object_or_404(
        reports_visible_to(person)
        .select_related("programme")
        .annotate(by_coordinator=_holds(person, Role.COORDINATOR), by_committee=_holds(person, Role.COMMITTEE)),
        pk=pk,
    )
    report.viewer = {name for name, held in (("coordinator", report.by_coordinator), ("committee", report.by_committee))
                     if held}  # fmt: skip
    if report.status == Report.Status.DRAFT:
        report.viewer.discard("committee")
    if as_ and as_ not in report.viewer:
        raise PermissionDenied(_("Your role in this programme does not do this with its reports."))
    return report


# The learning-environment audit acted on
# A unit's results page after an audit round: the programme's coordinators (read only) and the unit's lead
# (evaluation.selectors.audit_plans.unit_leads), who writes its plan, when the unit's people answered the round.
# Other members of the programme (a mentee, a mentor, the committee) get 403; anyone else never learns of it (404).


def get_audit_unit_for(person: Person, round_pk: int, unit_pk: int, *, write: bool = False):
    """(round, unit, leads it) for a unit's page after an audit round, else 404 / 403 (see above). Queries: the
    round, the unit, my roles in its programme, the leads (two), and for a lead whether the unit answered."""
    survey_round = get_object_or_404(
        SurveyRound.objects.filter(survey__kind=Survey.Kind.LEARNING_ENVIRONMENT, sent_at__isnull=False).select_related(
            "survey", "programme"
        ),
        pk=round_pk,
    )
    unit = get_object_or_404(OrgUnit.objects.select_related("parent"), pk=unit_pk)
    roles = roles_in(person, survey_round.programme)
    leads = unit_leads().get(unit.pk) == person.pk
    if leads:
        reach = OrgUnit.objects.subtree_ids(unit)
        leads = survey_round.responses.filter(team__in=reach).exists()
    if not leads and Role.COORDINATOR not in roles:
        if roles:
            raise PermissionDenied(_("Only the unit's line manager and the programme's coordinators see this page."))
        raise Http404
    if write and not leads:
        raise PermissionDenied(_("Only the unit's line manager writes its action plan."))
    survey_round.programme.my_roles = roles
    return survey_round, unit, leads


def get_audit_round_for(person: Person, pk: int, round_pk: int) -> SurveyRound:
    """A sent audit round of a programme its coordinator manages (other rounds: 404)."""
    survey_round = get_round_for(person, pk, round_pk)
    if survey_round.survey.kind != Survey.Kind.LEARNING_ENVIRONMENT or survey_round.sent_at is None:
        raise Http404
    return survey_round


def get_audit_alert_in(programme: Programme, pk: int) -> AuditAlert:
    return get_object_or_404(AuditAlert.objects.filter(programme=programme), pk=pk)


# Committee decisions followed through
# A decision is seen by its owner, the programme's coordinators and its committee members (who recorded it); the
# owner and the coordinators update it (a committee member reads it: 403 on a change). Everyone else: 404.


def _holds_for_decision(person: Person, *roles: str) -> Exists:
    return Exists(Membership.objects.filter(programme=OuterRef("report__programme"), person=person, role__in=roles))


def decisions_visible_to(person: Person) -> QuerySet[ReportDecision]:
    if not person.is_authenticated:
        return ReportDecision.objects.none()
    return ReportDecision.objects.filter(
        Q(owner=person) | Q(_holds_for_decision(person, Role.COORDINATOR, Role.COMMITTEE))
    ).exclude(report__status=Report.Status.DRAFT)


def get_decision_for(person: Person, pk: int, *, write: bool = False) -> ReportDecision:
    """A decision the person may see (else 404), with ``can_update``; ``write`` requires it (else 403)."""
    decision = get_object_or_404(
        decisions_visible_to(person)
        .select_related("report__programme", "owner", "updated_by")
        .annotate(
            by_coordinator=_holds_for_decision(person, Role.COORDINATOR),
            by_committee=_holds_for_decision(person, Role.COMMITTEE),
        ),
        pk=pk,
    )
    decision.can_update = decision.owner_id == person.pk or decision.by_coordinator
    decision.can_read_report = decision.by_coordinator or decision.by_committee  # a line manager reads no report
    if write and not decision.can_update:
        raise PermissionDenied(_("Only the decision's owner and the programme's coordinators update it."))
    return decision


# The learning-environment audit's items: the organisation's, edited by coordinators (of any programme) and staff.
# Everyone else: 403 on the pages. An item is one of the audit's newest version (an earlier version's: 404).


def require_audit_editor(person: Person) -> None:
    if not (person.is_staff or Membership.objects.filter(person=person, role=Role.COORDINATOR).exists()):
        raise PermissionDenied(_("Only coordinators and staff edit the audit's items."))


def get_audit_item_for(person: Person, pk: int, survey: Survey) -> Question:
    """An item of ``survey`` (the audit's newest version), for a coordinator or staff (else 403)."""
    require_audit_editor(person)
    question = get_object_or_404(Question.objects.filter(survey=survey), pk=pk)
    question.survey = survey
    return question
