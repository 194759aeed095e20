"""Programme set-up and lifecycle: each status change is a rule-checked service."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.i18n import noun_in_sentence

from ..hooks import ACTIVE_PAIRINGS
from ..models import (
    PARTICIPANT_ROLES,
    Application,
    EnrolmentQuestion,
    Membership,
    Person,
    Programme,
    Role,
    TimeAllocation,
)
from .audit import audit_record
from .notifications import coordinators_of, notification_send

Status = Programme.Status

# Which status may follow which. Going back is allowed where it undoes nothing: reopening enrolment
# after a look at the applicants, or returning an unannounced programme to draft.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (Status.RECRUITING,),
    Status.RECRUITING: (Status.MATCHING, Status.DRAFT),
    Status.MATCHING: (Status.RUNNING, Status.RECRUITING),
    Status.RUNNING: (Status.CLOSING,),
    Status.CLOSING: (Status.CLOSED, Status.RUNNING),
    Status.CLOSED: (),
}
ACTION_LABELS = {
    (Status.DRAFT, Status.RECRUITING): gettext_lazy("Open enrolment"),
    (Status.RECRUITING, Status.MATCHING): gettext_lazy("Close enrolment and start matching"),
    (Status.RECRUITING, Status.DRAFT): gettext_lazy("Back to draft"),
    (Status.MATCHING, Status.RUNNING): gettext_lazy("Start the programme"),
    (Status.MATCHING, Status.RECRUITING): gettext_lazy("Reopen enrolment"),
    (Status.RUNNING, Status.CLOSING): gettext_lazy("Start closing"),
    (Status.CLOSING, Status.CLOSED): gettext_lazy("Close the programme"),
    (Status.CLOSING, Status.RUNNING): gettext_lazy("Back to running"),
}


def active_pairings(programme: Programme) -> int:
    """Pairings still running in ``programme``: the relationship side counts them (hooks.ACTIVE_PAIRINGS)."""
    return sum(counter(programme) for counter in ACTIVE_PAIRINGS)


def next_steps(programme: Programme) -> list[tuple[str, str]]:
    """(status, button label) for each status the programme may move to now."""
    return [(to, ACTION_LABELS[(programme.status, to)]) for to in TRANSITIONS[programme.status]]


@transaction.atomic
def programme_create(*, by: Person, name: str, description: str = "", **settings: object) -> Programme:
    """A new programme in draft, with its creator as its first coordinator."""
    programme = Programme(name=name.strip(), description=description, status=Status.DRAFT, **settings)
    programme.full_clean()
    programme.save()
    Membership.objects.create(programme=programme, person=by, role=Role.COORDINATOR)
    audit_record(actor=by, action="programme.created", obj=programme, summary=f"Created {programme.name}.")
    return programme


@transaction.atomic
def programme_update(*, programme: Programme, by: Person, **fields: object) -> Programme:
    if programme.status == Status.CLOSED:
        raise ValidationError(_("A closed programme can no longer be changed."))
    for name, value in fields.items():
        setattr(programme, name, value)
    programme.full_clean()
    programme.save()
    audit_record(
        actor=by, action="programme.settings_changed", obj=programme, summary=f"Changed: {', '.join(sorted(fields))}."
    )
    return programme


def _check_transition(programme: Programme, to: str, *, confirm: bool) -> None:
    if to not in TRANSITIONS[programme.status]:
        raise ValidationError(
            _("A programme that is %(status)s cannot become %(to)s.")
            % {"status": programme.get_status_display().lower(), "to": Status(to).label.lower()}
        )
    if to == Status.RECRUITING and programme.status == Status.DRAFT:
        if not programme.starts_on and not programme.description.strip():
            raise ValidationError(_("Before opening enrolment, give the programme a start date and a description."))
        if not programme.starts_on:
            raise ValidationError(_("Before opening enrolment, give the programme a start date."))
        if not programme.description.strip():
            raise ValidationError(_("Before opening enrolment, give the programme a description."))
    if to == Status.DRAFT and programme.applications.exists():
        raise ValidationError(_("People have already applied, so the programme cannot go back to draft."))
    if to == Status.MATCHING:
        waiting = programme.applications.filter(status=Application.Status.APPLIED).count()
        if waiting:
            raise ValidationError(
                ngettext(
                    "%(count)s application still waits "
                    "for your decision: approve, decline or wait-list them before matching starts.",
                    "%(count)s applications still wait "
                    "for your decision: approve, decline or wait-list them before matching starts.",
                    waiting,
                )
                % {"count": waiting}
            )
        roles = set(programme.memberships.participants().values_list("role", flat=True))
        if roles != {Role.MENTOR, Role.MENTEE}:
            raise ValidationError(_("Matching needs at least one approved mentor and one approved mentee."))
    if to in (Status.CLOSING, Status.CLOSED) and not confirm:
        active = active_pairings(programme)
        if active:
            raise ValidationError(
                ngettext(
                    "%(count)s pairing is still active. Confirm to go ahead anyway; "
                    "the pairs can still finish their last sessions.",
                    "%(count)s pairings are still active. Confirm to go ahead anyway; "
                    "the pairs can still finish their last sessions.",
                    active,
                )
                % {"count": active}
            )


@transaction.atomic
def programme_transition(*, programme: Programme, to: str, by: Person, confirm: bool = False) -> Programme:
    """Move a programme to its next status, or raise ValidationError saying why it cannot move yet."""
    # Lock the row so two coordinators clicking at once cannot skip a check.
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    _check_transition(programme, to, confirm=confirm)
    before = programme.get_status_display()
    status_before = programme.status
    programme.status = to
    programme.save(update_fields=["status"])
    audit_record(
        actor=by,
        action="programme.status_changed",
        obj=programme,
        summary=f"{before} → {programme.get_status_display()}.",
    )
    if to == Status.CLOSED:
        _close_loose_ends(programme, by)
    people = coordinators_of(programme) + list(
        Person.objects.filter(memberships__programme=programme, memberships__role=Role.COMMITTEE)
    )
    notification_send(
        people=[p for p in people if p.pk != by.pk],
        text=lambda: (
            _("%(programme)s moved from %(before)s to %(after)s (%(by)s).")
            % {
                "programme": programme.name,
                "before": Status(status_before).label.lower(),
                "after": programme.get_status_display().lower(),
                "by": by,
            }
        ),
        url=programme.get_absolute_url(),
    )
    return programme


def _close_loose_ends(programme: Programme, by: Person) -> None:
    """A closed programme leaves nobody waiting: open applications are declined, unapproved time withdrawn."""
    waiting = list(
        programme.applications.filter(
            status__in=(Application.Status.APPLIED, Application.Status.WAITLISTED)
        ).select_related("person")
    )
    programme.applications.filter(pk__in=[a.pk for a in waiting]).update(
        status=Application.Status.DECLINED,
        decision_reason="The programme has closed.",
        decided_by=by,
        decided_at=timezone.now(),
        updated_at=timezone.now(),
    )
    notification_send(
        people=[a.person for a in waiting],
        text=lambda: (
            _("%(programme)s has closed, so your application could not go ahead.") % {"programme": programme.name}
        ),
        url=programme.get_absolute_url(),
        email_subject=lambda: _("%(programme)s has closed") % {"programme": programme.name},
    )
    TimeAllocation.objects.filter(programme=programme, status=TimeAllocation.Status.PENDING).delete()


@transaction.atomic
def membership_add(
    *, programme: Programme, person: Person, role: str, by: Person, participant_confirmed: bool = False
) -> Membership:
    """Add a coordinator or committee member (participants join through an application).

    Making one of the programme's own mentors or mentees its coordinator opens the other pairs' metadata to
    them, so it needs ``participant_confirmed``: without it a ValidationError with code
    ``"participant_coordinator"`` says what they would see.
    """
    if role not in (Role.COORDINATOR, Role.COMMITTEE):
        raise ValidationError(_("Mentors and mentees join by applying; add coordinators or committee members here."))
    if not person.is_active:
        raise ValidationError(_("%(person)s no longer has an active account.") % {"person": person})
    if role == Role.COORDINATOR and not participant_confirmed:
        roles = list(
            Membership.objects.filter(programme=programme, person=person, role__in=PARTICIPANT_ROLES)
            .order_by("role")
            .values_list("role", flat=True)
        )
        if roles:
            raise ValidationError(participant_coordinator_warning(person, roles), code="participant_coordinator")
    already = _("%(person)s is already a %(role)s of this programme.") % {
        "person": person,
        "role": noun_in_sentence(Role(role).label),
    }
    if Membership.objects.filter(programme=programme, person=person, role=role).exists():
        raise ValidationError(already)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(programme=programme, person=person, role=role)
    except IntegrityError:
        raise ValidationError(already) from None
    audit_record(
        actor=by,
        action="role.granted",
        obj=membership,
        subject=person,
        summary=f"{person} made {Role(role).label.lower()}.",
    )
    notification_send(
        people=[person],
        text=lambda: (
            _("%(by)s added you as a %(role)s of %(programme)s.")
            % {"by": by, "role": noun_in_sentence(Role(role).label), "programme": programme.name}
        ),
        url=programme.get_absolute_url(),
        email_subject=lambda: (
            _("You are now a %(role)s of %(programme)s")
            % {"role": noun_in_sentence(Role(role).label), "programme": programme.name}
        ),
    )
    return membership


def participant_coordinator_warning(person: Person, roles: list[str]) -> str:
    as_ = get_text_list([_("a %(role)s") % {"role": noun_in_sentence(Role(role).label)} for role in roles], _("and"))
    return _(
        "%(person)s is %(roles)s in this programme. As its coordinator they would see every other pair's metadata: "
        "who is paired with whom, meeting dates and counts, goal status, health scores and the concerns people "
        "raise. Add them only if nobody else can coordinate, and confirm that you have checked this."
    ) % {"person": person, "roles": as_}


@transaction.atomic
def membership_remove(*, membership: Membership, by: Person) -> None:
    if membership.role not in (Role.COORDINATOR, Role.COMMITTEE):
        raise ValidationError(_("Participants leave through their application, not from here."))
    # Lock the programme so two coordinators removing each other at once cannot leave it with none.
    Programme.objects.select_for_update().get(pk=membership.programme_id)
    if (
        membership.role == Role.COORDINATOR
        and Membership.objects.filter(programme=membership.programme_id, role=Role.COORDINATOR).count() == 1
    ):
        raise ValidationError(_("A programme needs at least one coordinator: add another before removing this one."))
    audit_record(
        actor=by,
        action="membership.removed",
        obj=membership,
        subject=membership.person,
        summary=f"{membership.person} no longer {membership.get_role_display().lower()}.",
    )
    membership.delete()


@transaction.atomic
def question_add(*, programme: Programme, text: str, required: bool, for_role: str, by: Person) -> EnrolmentQuestion:
    if programme.status not in (Status.DRAFT, Status.RECRUITING):
        raise ValidationError(_("Questions can change only before matching starts."))
    last = programme.questions.order_by("-position").values_list("position", flat=True).first() or 0
    question = EnrolmentQuestion(
        programme=programme, text=text.strip(), required=required, for_role=for_role, position=last + 1
    )
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def question_remove(*, question: EnrolmentQuestion, by: Person) -> None:
    if question.answers.exists():
        raise ValidationError(_("People have already answered this question, so it stays; you can reword it."))
    question.delete()
