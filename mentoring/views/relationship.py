"""Pages of the relationship: the pair's agreement, goals, session log, private notes, concerns and the fit
question; and the coordinators' metadata views (check-in states, alerts). Thin: access helper, form, service,
redirect or render.

Coordinators reach a pairing's page and its session list, which render metadata only; every page that shows
or changes the pair's words (a session, a goal, the agreement, a note) answers them 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, IntegerField, Max, OuterRef, Q, Subquery, Sum, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mentoring.forms.relationship import (
    AgreementForm,
    ConcernForm,
    DisputeForm,
    FitForm,
    GoalForm,
    NoteForm,
    SessionForm,
)
from mentoring.models import ALERT_ACKNOWLEDGED, ALERT_OPEN, Alert, FitAnswer, Goal, MentoringSession, Pairing
from mentoring.permissions import get_alert_for, get_goal_for, get_pairing_page_for, get_session_for
from mentoring.services import relationship
from mentoring.services.checkins import CheckinState, checkin_state, state_filter
from mentoring.services.proposals import proposals_waiting
from programmes.forms import add_service_errors
from programmes.models import Person, Skill
from programmes.once import submit_once
from programmes.permissions import get_programme_for

PAGE_SIZE = 25
TO_CONFIRM_SHOWN = 10  # on the workspace; the rest are in the session log


def _pair_only(pairing: Pairing) -> None:
    if pairing.side is None:
        raise PermissionDenied("Only the mentor and mentee see and change what they write.")


def _partner(pairing: Pairing, person: Person) -> Person:
    return pairing.mentee if pairing.mentor_id == person.pk else pairing.mentor


def _is_duplicate_warning(exc: ValidationError) -> bool:
    return not hasattr(exc, "error_dict") and any(e.code == "duplicate" for e in exc.error_list)


def _skills():
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


def workspace_context(request: HttpRequest, pairing: Pairing) -> dict:
    """What the pairing page adds for the relationship (the caller adds the lifecycle parts).

    Queries for the pair: session totals; the latest sessions; their topics; their goals; readable notes;
    sessions awaiting my answer; goals; my fit answer. For a coordinator: session totals; the latest
    sessions (metadata); goal counts by status; fit answers; open alerts.
    """
    me = request.user
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
        context["sessions"] = list(latest)
        context["goal_counts"] = list(
            Goal.objects.filter(pairing=pairing).order_by().values("status").annotate(n=Count("pk"))
        )
        for row in context["goal_counts"]:
            row["label"] = Goal.Status(row["status"]).label
        context["fit_answers"] = list(FitAnswer.objects.filter(pairing=pairing).select_related("person"))
        context["alerts"] = list(
            Alert.objects.open().filter(pairing=pairing).select_related("acknowledged_by", "concern__raised_by")
        )
        return context
    sessions = list(latest.prefetch_related("topics", "goals"))
    notes = relationship.notes_readable_by(me, [s.pk for s in sessions])
    for session in sessions:
        session.readable_notes = notes.get(session.pk, [])
    context["sessions"] = sessions
    # The oldest few waiting for me, one more fetched to know whether the session log holds others.
    to_confirm = list(
        MentoringSession.objects.filter(pairing=pairing, status=MentoringSession.Status.AWAITING)
        .exclude(logged_by=me)
        .order_by("held_on")[: TO_CONFIRM_SHOWN + 1]
    )
    context["to_confirm"] = to_confirm[:TO_CONFIRM_SHOWN]
    context["more_to_confirm"] = len(to_confirm) > TO_CONFIRM_SHOWN
    context["goals"] = list(Goal.objects.filter(pairing=pairing))
    my_fit = FitAnswer.objects.filter(pairing=pairing, person=me).first()
    context["my_fit"] = my_fit
    context["fit_form"] = (
        FitForm(initial={"fit": my_fit.fit if my_fit else None})
        if relationship.fit_question_open(pairing, me, has_sessions=bool(totals["total"]))
        else None
    )
    return context


def _has_agreement(pairing: Pairing) -> bool:
    try:
        pairing.agreement  # noqa: B018 - fetched with the pairing (select_related)
    except Pairing.agreement.RelatedObjectDoesNotExist:
        return False
    return True


# --- Sessions -------------------------------------------------------------------------------------------------


@login_required
def session_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole log. The pair see their summaries; a coordinator sees dates, durations and states only."""
    pairing = get_pairing_page_for(request.user, pk)
    # Queries: the pairing; the count; one page of sessions (with who logged); for the pair, the page's topics.
    sessions = MentoringSession.objects.filter(pairing=pairing).select_related("logged_by")
    status = request.GET.get("status", "")
    if status in MentoringSession.Status.values:
        sessions = sessions.filter(status=status)
    page = Paginator(sessions.order_by("-held_on", "-created_at"), PAGE_SIZE).get_page(request.GET.get("page"))
    if pairing.side is not None:
        sessions_on_page = list(page.object_list)
        prefetch_related_objects(sessions_on_page, "topics")
        page.object_list = sessions_on_page
    context = {
        "pairing": pairing,
        "page": page,
        "status": status,
        "statuses": MentoringSession.Status.choices,
        "query": f"status={status}" if status else "",
    }
    return render(request, "mentoring/session_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_pairing_page_for(request.user, pk)
    _pair_only(pairing)
    if not pairing.is_current:
        messages.info(request, f"This pairing is {pairing.get_status_display().lower()}: its session log is closed.")
        return redirect(pairing)
    form = SessionForm(
        request.POST or None, pairing=pairing, skills=_skills(), initial={"held_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = relationship.session_log(
                pairing=pairing, by=request.user, data=form.to_input(), duplicate_ok=form.cleaned_data["duplicate_ok"]
            )
        except ValidationError as exc:
            if _is_duplicate_warning(exc):
                form.show_duplicate_choice()
            add_service_errors(form, exc)
        else:
            partner = _partner(pairing, request.user)
            messages.success(request, f"Session logged. {partner} is asked to confirm it.")
            return redirect(session)
    return render(request, "mentoring/session_form.html", {"pairing": pairing, "form": form})


@login_required
def session_detail(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = get_session_for(request.user, pk, session_pk)
    pairing = session.pairing
    _pair_only(pairing)
    notes = relationship.notes_readable_by(request.user, [session.pk]).get(session.pk, [])
    own = next((n for n in notes if n.own), None)
    context = {
        "pairing": pairing,
        "session": session,
        "topics": list(session.topics.all()),
        "goals": list(session.goals.all()),
        "notes": notes,
        "note_form": NoteForm(initial={"text": own.text if own else "", "shared": own.shared if own else False}),
        "mine": session.logged_by_id == request.user.pk,
        "partner": _partner(pairing, request.user),
    }
    return render(request, "mentoring/session_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = get_session_for(request.user, pk, session_pk, write=True)
    pairing = session.pairing
    if session.logged_by_id != request.user.pk or session.status == MentoringSession.Status.CONFIRMED:
        messages.info(request, "Only the person who logged a session changes it, and only until it is confirmed.")
        return redirect(session)
    own = relationship.notes_readable_by(request.user, [session.pk]).get(session.pk, [])
    own = next((n for n in own if n.own), None)
    initial = {
        "held_on": session.held_on,
        "duration_minutes": session.duration_minutes,
        "mode": session.mode,
        "topics": list(session.topics.all()),
        "goals": list(session.goals.all()),
        "summary": session.summary,
        "next_steps": session.next_steps,
        "private_note": own.text if own else "",
        "share_note": own.shared if own else False,
    }
    form = SessionForm(request.POST or None, pairing=pairing, skills=_skills(), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            relationship.session_update(
                session=session, by=request.user, data=form.to_input(), duplicate_ok=form.cleaned_data["duplicate_ok"]
            )
        except ValidationError as exc:
            if _is_duplicate_warning(exc):
                form.show_duplicate_choice()
            add_service_errors(form, exc)
        else:
            messages.success(request, "Session saved. Your partner is asked to confirm it.")
            return redirect(session)
    return render(request, "mentoring/session_form.html", {"pairing": pairing, "form": form, "session": session})


@login_required
@require_http_methods(["GET", "POST"])
def session_delete(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = get_session_for(request.user, pk, session_pk, write=True)
    if session.logged_by_id != request.user.pk or session.status == MentoringSession.Status.CONFIRMED:
        messages.info(request, "Only the person who logged a session deletes it, and only until it is confirmed.")
        return redirect(session)
    if request.method == "POST":
        try:
            relationship.session_delete(session=session, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(session)
        messages.success(request, f"The session of {session.held_on:%-d %B %Y} was deleted.")
        return redirect(session.pairing)
    return render(request, "mentoring/session_delete.html", {"pairing": session.pairing, "session": session})


@login_required
@require_POST
def session_confirm(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = get_session_for(request.user, pk, session_pk, write=True)
    try:
        relationship.session_confirm(session=session, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"You confirmed the session of {session.held_on:%-d %B %Y}.")
    return redirect(request.POST.get("next") == "pairing" and session.pairing or session)


@login_required
@require_http_methods(["GET", "POST"])
def session_dispute(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = get_session_for(request.user, pk, session_pk, write=True)
    if session.logged_by_id == request.user.pk:
        messages.info(request, "You logged this session: change it instead. Your partner confirms or disputes it.")
        return redirect(session)
    if session.status == MentoringSession.Status.DISPUTED:
        messages.info(request, "You have already disputed this session. Your partner can correct it.")
        return redirect(session)
    form = DisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            relationship.session_dispute(session=session, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "You disputed the session. Your partner can correct it.")
            return redirect(session)
    return render(
        request, "mentoring/session_dispute.html", {"pairing": session.pairing, "session": session, "form": form}
    )


@login_required
@require_POST
def note_save(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = get_session_for(request.user, pk, session_pk, write=True)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            relationship.note_write(
                session=session, author=request.user, text=form.cleaned_data["text"], shared=form.cleaned_data["shared"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                "Your private note is saved." if form.cleaned_data["text"].strip() else "Your private note is deleted.",
            )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(session)


# --- Agreement and goals ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_pairing_page_for(request.user, pk)
    _pair_only(pairing)
    agreement = relationship.agreement_get(pairing=pairing)
    form = AgreementForm(request.POST or None, instance=agreement, pairing=pairing)
    if request.method == "POST" and form.is_valid():
        try:
            relationship.agreement_update(
                pairing=pairing,
                by=request.user,
                cadence_days=form.cleaned_data["cadence_days"],
                preferred_mode=form.cleaned_data["preferred_mode"],
                arrangements=form.cleaned_data["arrangements"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your agreement is saved.")
            return redirect(pairing)
    return render(request, "mentoring/agreement_form.html", {"pairing": pairing, "form": form, "agreement": agreement})


@login_required
@require_POST
def agreement_sign(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_pairing_page_for(request.user, pk)
    _pair_only(pairing)
    try:
        relationship.agreement_sign(pairing=pairing, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "You acknowledged that what is said in this relationship stays in it.")
    return redirect(pairing)


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_pairing_page_for(request.user, pk)
    _pair_only(pairing)
    form = GoalForm(request.POST or None, side=pairing.side)
    if request.method == "POST" and form.is_valid():
        try:
            relationship.goal_create(pairing=pairing, by=request.user, data=form.to_input())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Goal added.")
            return redirect(pairing)
    return render(request, "mentoring/goal_form.html", {"pairing": pairing, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    goal = get_goal_for(request.user, pk, goal_pk)
    form = GoalForm(request.POST or None, instance=goal, side=goal.pairing.side)
    if request.method == "POST" and form.is_valid():
        try:
            relationship.goal_update(goal=goal, by=request.user, data=form.to_input())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Goal saved.")
            return redirect(goal.pairing)
    return render(request, "mentoring/goal_form.html", {"pairing": goal.pairing, "form": form, "goal": goal})


# --- Concerns and the fit question ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def concern_raise(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_pairing_page_for(request.user, pk)
    _pair_only(pairing)
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            relationship.concern_raise(pairing=pairing, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "The coordinators have your message and will be in touch. Your partner is not told."
            )
            return redirect(pairing)
    return render(request, "mentoring/concern_form.html", {"pairing": pairing, "form": form})


@login_required
@require_POST
def fit_save(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_pairing_page_for(request.user, pk)
    _pair_only(pairing)
    form = FitForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose good, still deciding or not good.")
        return redirect(pairing)
    try:
        relationship.fit_answer(pairing=pairing, by=request.user, fit=form.cleaned_data["fit"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Thank you. You can change your answer at any time.")
    return redirect(pairing)


# --- Coordinators: check-in states and alerts -------------------------------------------------------------------


@login_required
def relationships(request: HttpRequest, pk: int) -> HttpResponse:
    """A programme's current pairings with their check-in state, sessions and open alerts (metadata only)."""
    programme = get_programme_for(request.user, pk, manage=True)
    today = timezone.localdate()
    grace = programme.escalation_grace_days
    current = Pairing.objects.filter(programme=programme, status__in=Pairing.CURRENT)
    # Queries: the programme (access); the state counts; the paginator count; one page of pairings with
    # both people, session counts and open alerts; the unresolved alerts of the programme; their counts.
    counts = current.aggregate(
        **{s: Count("pk", filter=state_filter(s, today=today, grace_days=grace)) for s in CheckinState.ORDER},
        paused=Count("pk", filter=Q(status=Pairing.Status.PAUSED)),
    )
    state = request.GET.get("state", "")
    shown = current
    if state in CheckinState.ORDER:
        shown = shown.filter(state_filter(state, today=today, grace_days=grace))
    elif state == "paused":
        shown = shown.filter(status=Pairing.Status.PAUSED)
    else:
        state = ""
    shown = (
        shown.select_related("mentor", "mentee")
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
            open_alerts=Exists(Alert.objects.filter(ALERT_OPEN, pairing=OuterRef("pk"))),
            acknowledged_alerts=Exists(Alert.objects.filter(ALERT_ACKNOWLEDGED, pairing=OuterRef("pk"))),
        )
        .order_by(F("checkin_due_on").asc(nulls_last=True), "mentee__display_name")
    )
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    for pairing in page.object_list:
        pairing.programme = programme
        key = checkin_state(pairing, today=today)
        pairing.checkin = {"state": key, "label": CheckinState.LABELS[key]}
    alerts = list(
        Alert.objects.open().filter(programme=programme).select_related("pairing__mentor", "pairing__mentee")[:50]
    )
    # Counted as the Alerts tab counts them (open: nobody on it yet; acknowledged: someone is), not the list's length.
    alert_counts = Alert.objects.filter(programme=programme).aggregate(
        open=Count("pk", filter=ALERT_OPEN), acknowledged=Count("pk", filter=ALERT_ACKNOWLEDGED)
    )
    states = [(s, CheckinState.LABELS[s], counts[s]) for s in CheckinState.ORDER]
    context = {
        "programme": programme,
        "states": states,
        "paused": counts["paused"],
        "state": state,
        "page": page,
        "query": f"state={state}" if state else "",
        "alerts": alerts,
        "alert_counts": alert_counts,
        "active_tab": "relationships",
        "waiting": proposals_waiting(programme),  # proposed pairings: their count, then the oldest 50
    }
    return render(request, "mentoring/relationships.html", context)


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_alert_for(request.user, pk)
    relationship.alert_acknowledge(alert=alert, by=request.user)
    messages.success(request, "Alert acknowledged: the other coordinators see that you are on it.")
    return redirect(request.POST.get("next") == "pairing" and alert.pairing or _relationships_url(alert))


@login_required
@require_POST
def alert_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_alert_for(request.user, pk)
    relationship.alert_resolve(alert=alert, by=request.user)
    messages.success(request, "Alert resolved.")
    return redirect(request.POST.get("next") == "pairing" and alert.pairing or _relationships_url(alert))


def _relationships_url(alert: Alert) -> str:
    return reverse("mentoring:relationships", args=[alert.programme_id])
