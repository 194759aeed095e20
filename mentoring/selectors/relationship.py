"""Reads of the relationship: a pairing's workspace (sessions, goals, notes, fit, alerts), its session log,
the private notes a person may read (the only place note text is decrypted for display), and the
coordinators' page of a programme's current pairings with their check-in states.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from mentoring import crypto
from mentoring.models import (
    ALERT_ACKNOWLEDGED,
    ALERT_OPEN,
    Alert,
    FitAnswer,
    Goal,
    MentoringSession,
    Pairing,
    PlannedSession,
)
from mentoring.selectors.alerts import pairing_open_alerts
from mentoring.services.checkins import CheckinState, checkin_state, state_filter
from mentoring.services.pairing import side_of
from programmes.models import Person, Programme, Skill

PAGE_SIZE = 25
TO_CONFIRM_SHOWN = 10  # on the workspace; the rest are in the session log


@dataclass(frozen=True)
class ReadableNote:
    session_id: int
    author: Person
    text: str
    shared: bool
    own: bool
    updated_at: datetime.datetime


def notes_readable_by(person: Person, session_ids: Iterable[int]) -> dict[int, list[ReadableNote]]:
    """The private notes on these sessions that ``person`` may read, decrypted: their own, and their partner's
    where the partner shared it. One query. The only place note text is decrypted for display."""
    from mentoring.permissions import private_notes_visible_to

    notes: dict[int, list[ReadableNote]] = {}
    for note in private_notes_visible_to(person).filter(session_id__in=list(session_ids)).select_related("author"):
        notes.setdefault(note.session_id, []).append(
            ReadableNote(
                session_id=note.session_id,
                author=note.author,
                text=crypto.decrypt(note.ciphertext),
                shared=note.shared,
                own=note.author_id == person.pk,
                updated_at=note.updated_at,
            )
        )
    return notes


def own_note(person: Person, session: MentoringSession) -> ReadableNote | None:
    """The person's own private note on a session, decrypted, if they wrote one: one query."""
    return next((n for n in notes_readable_by(person, [session.pk]).get(session.pk, []) if n.own), None)


def fit_question_open(pairing: Pairing, person: Person, *, has_sessions: bool) -> bool:
    """Ask "how is the fit?" once the pair has logged a first session, until this person has answered."""
    return pairing.status == Pairing.Status.ACTIVE and has_sessions and side_of(pairing, person) is not None


def workspace_url(pairing: Pairing) -> str:
    return reverse("mentoring:pairing_detail", args=[pairing.pk])


def skill_choices() -> QuerySet[Skill]:
    """The topics a session may name (lazy: the form's field evaluates it)."""
    return Skill.objects.canonical().order_by("name")


def session_totals(pairing: Pairing) -> dict:
    """Counts and confirmed hours of a pairing's sessions: one grouped query (metadata, for everyone)."""
    confirmed = Q(status=MentoringSession.Status.CONFIRMED)
    return MentoringSession.objects.filter(pairing=pairing).aggregate(
        total=Count("pk"),
        confirmed=Count("pk", filter=confirmed),
        awaiting=Count("pk", filter=Q(status=MentoringSession.Status.AWAITING)),
        disputed=Count("pk", filter=Q(status=MentoringSession.Status.DISPUTED)),
        confirmed_minutes=Sum("duration_minutes", filter=confirmed),
        last_held_on=Max("held_on"),
    )


def _has_agreement(pairing: Pairing) -> bool:
    try:
        pairing.agreement  # noqa: B018 - fetched with the pairing (select_related)
    except Pairing.agreement.RelatedObjectDoesNotExist:
        return False
    return True


def _coordinator_workspace(pairing: Pairing, latest: QuerySet[MentoringSession]) -> dict:
    # Metadata only: the latest sessions, goal counts by status, fit answers, open alerts.
    # Metadata only: the mentee's goals and the mentor's own learning goals, each by status, never their words.
    rows = list(Goal.objects.filter(pairing=pairing).order_by().values("owner", "status").annotate(n=Count("pk")))
    for row in rows:
        row["label"] = Goal.Status(row["status"]).label
    return {
        "sessions": list(latest),
        "goal_counts": [row for row in rows if row["owner"] == Goal.Owner.MENTEE],
        "mentor_goal_counts": [row for row in rows if row["owner"] == Goal.Owner.MENTOR],
        "fit_answers": list(FitAnswer.objects.filter(pairing=pairing).select_related("person")),
        "alerts": pairing_open_alerts(pairing=pairing),
    }


def _goals_by_owner(goals: list[Goal]) -> dict[str, list[Goal]]:
    return {
        "goals": [g for g in goals if g.owner == Goal.Owner.MENTEE],
        "mentor_goals": [g for g in goals if g.owner == Goal.Owner.MENTOR],
    }


def _pair_workspace(pairing: Pairing, person: Person, latest: QuerySet[MentoringSession]) -> dict:
    sessions = list(latest.prefetch_related("topics", "goals"))
    notes = notes_readable_by(person, [s.pk for s in sessions])
    for session in sessions:
        session.readable_notes = notes.get(session.pk, [])
    # The oldest few waiting for me, one more fetched to know whether the session log holds others.
    to_confirm = list(
        MentoringSession.objects.filter(pairing=pairing, status=MentoringSession.Status.AWAITING)
        .exclude(logged_by=person)
        .order_by("held_on")[: TO_CONFIRM_SHOWN + 1]
    )
    return {
        "sessions": sessions,
        "to_confirm": to_confirm[:TO_CONFIRM_SHOWN],
        "more_to_confirm": len(to_confirm) > TO_CONFIRM_SHOWN,
        # One query, split by owner: the mentee's goals, and the mentor's own learning goals (both sides read both).
        **_goals_by_owner(list(Goal.objects.filter(pairing=pairing))),
        "my_fit": FitAnswer.objects.filter(pairing=pairing, person=person).first(),
    }


def pairing_workspace(*, pairing: Pairing, person: Person) -> dict:
    """What the pairing page shows of the relationship (the page adds the lifecycle parts).

    Queries for the pair: session totals; the latest sessions; their topics; their goals; readable notes;
    sessions awaiting my answer; goals; my fit answer. For a coordinator: session totals; the latest
    sessions (metadata); goal counts by status; fit answers; open alerts.
    """
    totals = session_totals(pairing)
    state = checkin_state(pairing)
    context: dict = {
        "totals": totals,
        "confirmed_hours": round((totals["confirmed_minutes"] or 0) / 60, 1),
        "checkin": {"state": state, "label": CheckinState.LABELS[state], "due_on": pairing.checkin_due_on},
        "agreement": getattr(pairing, "agreement", None) if _has_agreement(pairing) else None,
    }
    latest = (
        MentoringSession.objects.filter(pairing=pairing)
        .select_related("logged_by")
        .order_by("-held_on", "-created_at")[:5]
    )
    if pairing.side is None:
        context.update(_coordinator_workspace(pairing, latest))
    else:
        context.update(_pair_workspace(pairing, person, latest))
    return context


def session_page(*, pairing: Pairing, status: str, page_number: str | None) -> Page:
    """One page of a pairing's session log, newest first, in one status or all (``status`` empty).

    Queries: the count; the page's sessions with who logged them; for the pair, the page's topics (a
    coordinator sees dates, durations and states only)."""
    sessions = MentoringSession.objects.filter(pairing=pairing).select_related("logged_by")
    if status:
        sessions = sessions.filter(status=status)
    page = Paginator(sessions.order_by("-held_on", "-created_at"), PAGE_SIZE).get_page(page_number)
    if pairing.side is not None:
        sessions_on_page = list(page.object_list)
        prefetch_related_objects(sessions_on_page, "topics")
        page.object_list = sessions_on_page
    return page


def _current_pairings_page(
    current: QuerySet[Pairing], *, programme: Programme, today: datetime.date, page_number: str | None
) -> Page:
    shown = (
        current.select_related("mentor", "mentee")
        .annotate(
            # A count per row (not a join and GROUP BY over every pairing): computed for the page's rows only.
            confirmed=Coalesce(
                Subquery(
                    MentoringSession.objects.confirmed()
                    .filter(pairing=OuterRef("pk"))
                    .order_by()
                    .values("pairing")
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
            # The next meeting planned (accepted) and still ahead: its time only, never what it is about.
            next_planned=Subquery(
                PlannedSession.objects.upcoming()
                .filter(pairing=OuterRef("pk"), starts_at__gt=timezone.now())
                .order_by("starts_at")
                .values("starts_at")[:1]
            ),
            open_alerts=Exists(Alert.objects.filter(ALERT_OPEN, pairing=OuterRef("pk"))),
            acknowledged_alerts=Exists(Alert.objects.filter(ALERT_ACKNOWLEDGED, pairing=OuterRef("pk"))),
        )
        .order_by(F("checkin_due_on").asc(nulls_last=True), "mentee__display_name")
    )
    page = Paginator(shown, PAGE_SIZE).get_page(page_number)
    for pairing in page.object_list:
        pairing.programme = programme
        key = checkin_state(pairing, today=today)
        pairing.checkin = {"state": key, "label": CheckinState.LABELS[key], "planned": pairing.next_planned}
    return page


def checkin_states(
    *, programme: Programme, state: str, page_number: str | None, today: datetime.date | None = None
) -> dict:
    """A programme's current pairings by check-in state: the count per state (and paused), and one page of the
    pairings in ``state`` (all when it is not a known state) with both people, confirmed sessions and whether
    an alert is open or acknowledged. Queries: the state counts; the paginator count; the page."""
    today = today or timezone.localdate()
    grace = programme.escalation_grace_days
    current = Pairing.objects.filter(programme=programme, status__in=Pairing.CURRENT)
    counts = current.aggregate(
        **{s: Count("pk", filter=state_filter(s, today=today, grace_days=grace)) for s in CheckinState.ORDER},
        paused=Count("pk", filter=Q(status=Pairing.Status.PAUSED)),
    )
    shown = current
    if state in CheckinState.ORDER:
        shown = shown.filter(state_filter(state, today=today, grace_days=grace))
    elif state == "paused":
        shown = shown.filter(status=Pairing.Status.PAUSED)
    else:
        state = ""
    return {
        "states": [(s, CheckinState.LABELS[s], counts[s]) for s in CheckinState.ORDER],
        "paused": counts["paused"],
        "state": state,
        "page": _current_pairings_page(shown, programme=programme, today=today, page_number=page_number),
    }
