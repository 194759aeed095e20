"""Access to pairings. Coordinators see a pairing's metadata; only the pair may change anything in it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from mentoring.models import (
    Alert,
    CalendarFeed,
    ClosingReflection,
    Goal,
    MatchProposal,
    MatchRound,
    MentoringSession,
    MentorRequest,
    Pairing,
    PlannedSession,
    PrivateNote,
    ReflectionTime,
)
from programmes.models import Membership, Person, Programme, Role


def get_pairing_for(person: Person, pk: int, *, write: bool = False) -> Pairing:
    pairing = get_object_or_404(
        Pairing.objects.visible_to(person).select_related("programme", "mentor", "mentee"), pk=pk
    )
    if write and person.pk not in (pairing.mentor_id, pairing.mentee_id):
        raise PermissionDenied("Only the mentor and mentee can change their pairing.")
    return pairing


# --- Pairing lifecycle (lifecycle, notices, participant pages) -----------------------------
# Accepting, declining and closing reflections belong to the pair (``get_pairing_for(..., write=True)``);
# pausing, resuming, completing and ending early are open to the pair and the programme's coordinators,
# which is exactly who sees the pairing. A closing reflection is its author's alone: no helper here or
# anywhere else returns someone else's.


def get_pairing_page_for(person: Person, pk: int) -> Pairing:
    """A pairing the person sees (else 404), with what its page shows, and ``side``: "mentor", "mentee" or
    None (a coordinator, who sees metadata only)."""
    pairing = get_object_or_404(
        Pairing.objects.visible_to(person).select_related(
            "programme", "mentor__org_unit", "mentee__org_unit", "ended_by", "agreement"
        ),
        pk=pk,
    )
    pairing.side = {pairing.mentor_id: "mentor", pairing.mentee_id: "mentee"}.get(person.pk)
    return pairing


def reflections_visible_to(person: Person) -> QuerySet[ClosingReflection]:
    """Closing reflections the person may read: their own, and nobody else's, whatever their roles."""
    if not getattr(person, "is_authenticated", False):
        return ClosingReflection.objects.none()
    return ClosingReflection.objects.filter(author=person)


def own_reflection(person: Person, pairing: Pairing) -> ClosingReflection | None:
    return reflections_visible_to(person).filter(pairing=pairing).first()


# Matching: the programme's coordinators only
# Scores and explanations compare people with each other, so every matching page is for the programme's
# coordinators: the programme is checked first with programmes.permissions.get_programme_for(manage=True)
# (outsiders 404, other members 403); these helpers then find objects of that programme only (else 404).


def get_round_for(programme: Programme, pk: int) -> MatchRound:
    return get_object_or_404(
        MatchRound.objects.filter(programme=programme).select_related("run_by", "published_by"), pk=pk
    )


def get_proposal_for(programme: Programme, pk: int) -> MatchProposal:
    """A live proposal of the programme's draft round (a removed one, or one of a published round, is a 404)."""
    return get_object_or_404(
        MatchProposal.objects.filter(
            round__programme=programme, round__status=MatchRound.Status.DRAFT, removed=False
        ).select_related("round", "mentor", "mentee"),
        pk=pk,
    )


# --- Mentee requests: the mentee who asked and the mentor who was asked ------------------------------------


def get_request_for(person: Person, pk: int, *, as_: str) -> MentorRequest:
    """A request the person is part of (else 404); ``as_`` "mentor" or "mentee" must be their side (else 403)."""
    found = get_object_or_404(
        MentorRequest.objects.filter(Q(mentor=person) | Q(mentee=person)).select_related("programme"), pk=pk
    )
    side = "mentor" if found.mentor_id == person.pk else "mentee"
    if side != as_:
        raise PermissionDenied("Only the other side of this request can do that.")
    return found


# --- The relationship: sessions, private notes, alerts --------------------------------------------------------
# Sessions are seen by whoever sees the pairing (coordinators: metadata only, which the views enforce by
# what they render); only the pair changes them. Private notes have their own rule, below, that no role
# widens: the author, and the partner while the author shares it.


def get_session_for(person: Person, pairing_pk: int, pk: int, *, write: bool = False) -> MentoringSession:
    pairing = get_pairing_page_for(person, pairing_pk)
    if write and pairing.side is None:
        raise PermissionDenied("Only the mentor and mentee can change their sessions.")
    session = get_object_or_404(
        MentoringSession.objects.filter(pairing=pairing).select_related("logged_by", "answered_by"), pk=pk
    )
    session.pairing = pairing  # keeps ``side`` and the programme already fetched
    return session


def get_goal_for(person: Person, pairing_pk: int, pk: int) -> Goal:
    """Goals are the pair's content: only the pair reaches a goal's form (a coordinator gets 403)."""
    pairing = get_pairing_page_for(person, pairing_pk)
    if pairing.side is None:
        raise PermissionDenied("Goals belong to the mentor and mentee.")
    goal = get_object_or_404(Goal.objects.filter(pairing=pairing), pk=pk)
    if goal.owner == Goal.Owner.MENTOR and pairing.side != Goal.Owner.MENTOR:
        # The mentee reads their mentor's own learning goals on the pairing's page; only the mentor changes them.
        raise PermissionDenied("A mentor's own learning goals are theirs to change.")
    goal.pairing = pairing
    return goal


def get_reflection_time_for(person: Person, pk: int) -> ReflectionTime:
    """Reflection time is its author's alone: anyone else's entry is a 404, whatever their roles."""
    if not getattr(person, "is_authenticated", False):
        raise PermissionDenied("Log in first.")
    return get_object_or_404(ReflectionTime.objects.filter(person=person).select_related("programme"), pk=pk)


def private_notes_visible_to(person: Person) -> QuerySet[PrivateNote]:
    """Private notes the person may read: their own, and their partner's that the partner shared with them.
    Nobody else's, whatever roles they hold (coordinator, line manager, committee member, administrator)."""
    if not getattr(person, "is_authenticated", False):
        return PrivateNote.objects.none()
    return PrivateNote.objects.filter(
        Q(author=person)
        | Q(shared=True, session__pairing__mentor=person)
        | Q(shared=True, session__pairing__mentee=person)
    )


def get_alert_for(person: Person, pk: int) -> Alert:
    """An alert of a programme the person coordinates (else 404: alerts exist for coordinators only)."""
    return get_object_or_404(
        Alert.objects.for_coordinator(person).select_related("pairing__mentor", "pairing__mentee", "programme"),
        pk=pk,
    )


# Calendar
# A feed is read without logging in: its secret token is the whole access check, matched by the unique index
# (a wrong or replaced token, or the feed of someone who left, is a 404). A single session's .ics file is the
# pair's only: coordinators see that a session happened, but it is not their calendar (403).


def get_calendar_feed_by_token(token: str) -> CalendarFeed:
    return get_object_or_404(CalendarFeed.objects.select_related("person"), token=token, person__is_active=True)


def get_own_session_for(person: Person, pairing_pk: int, pk: int) -> MentoringSession:
    """A session of the person's own pairing (else 404 as for any session; a coordinator gets 403)."""
    session = get_session_for(person, pairing_pk, pk)
    if session.pairing.side is None:
        raise PermissionDenied("Only the mentor and mentee can add their sessions to a calendar.")
    return session


# --- Planned sessions (issue 17): the pair's own; a coordinator sees only that one is planned and when (on the
# pairing's page), never a planned session's page (403): its place, link and reasons are the pair's words.


def get_planned_for(person: Person, pairing_pk: int, pk: int) -> PlannedSession:
    pairing = get_pairing_page_for(person, pairing_pk)
    if pairing.side is None:
        raise PermissionDenied("Only the mentor and mentee see their planned sessions.")
    planned = get_object_or_404(
        PlannedSession.objects.filter(pairing=pairing).select_related("organiser", "proposed_by", "reason_by"), pk=pk
    )
    planned.pairing = pairing
    return planned


def require_mentor(person: Person) -> None:
    """A CPD record is a mentor's: a person who is a mentor in some programme (else 403). It is always the
    person's own record (the pages take no id), so nobody reaches another mentor's."""
    if not Membership.objects.filter(person=person, role=Role.MENTOR).exists():
        raise PermissionDenied("The CPD record is for mentors.")
