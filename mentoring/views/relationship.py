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
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.dates import long_date
from core.forms import add_service_errors
from core.once import submit_once
from mentoring.forms.reflection import SessionReflectionForm
from mentoring.forms.relationship import (
    AgreementForm,
    ConcernForm,
    DisputeForm,
    FitForm,
    GoalForm,
    NoteForm,
    SessionForm,
)
from mentoring.models import Goal, MentoringSession, Pairing
from mentoring.permissions import get_goal_for, get_pairing_page_for, get_session_for
from mentoring.selectors import alerts as alert_selectors
from mentoring.selectors import planning as planning_selectors
from mentoring.selectors import relationship as relationship_selectors
from mentoring.selectors.proposals import proposals_waiting
from mentoring.selectors.reflection import my_session_reflection
from mentoring.selectors.relationship import skill_choices
from mentoring.services import concerns, relationship
from programmes.models import Person
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


def workspace_context(request: HttpRequest, pairing: Pairing) -> dict:
    """What the pairing page adds for the relationship (the caller adds the lifecycle parts): the workspace's
    reads (mentoring.selectors.relationship.pairing_workspace, which names its queries) and the fit question."""
    context = relationship_selectors.pairing_workspace(pairing=pairing, person=request.user)
    # Planned sessions: the pair's list (one query); a coordinator only the next one's date (one query).
    if pairing.side is None:
        context["next_planned"] = planning_selectors.next_planned_on([pairing.pk]).get(pairing.pk)
    else:
        context["planned"] = planning_selectors.planned_for_pairing(pairing)
        now = timezone.now()
        upcoming = [p.starts_at for p in context["planned"] if p.starts_at and p.starts_at > now]
        context["next_planned"] = min(upcoming, default=None)
    context["checkin"] = {**context["checkin"], "planned": context["next_planned"]}
    if pairing.side is not None:
        my_fit = context["my_fit"]
        has_sessions = bool(context["totals"]["total"])
        context["fit_form"] = (
            FitForm(initial={"fit": my_fit.fit if my_fit else None})
            if relationship_selectors.fit_question_open(pairing, request.user, has_sessions=has_sessions)
            else None
        )
    return context


# --- Sessions -------------------------------------------------------------------------------------------------


@login_required
def session_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole log. The pair see their summaries; a coordinator sees dates, durations and states only."""
    pairing = get_pairing_page_for(request.user, pk)
    # Queries: the pairing; the count; one page of sessions (with who logged); for the pair, the page's topics.
    status = request.GET.get("status", "")
    valid = status if status in MentoringSession.Status.values else ""
    page = relationship_selectors.session_page(pairing=pairing, status=valid, page_number=request.GET.get("page"))
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
        messages.info(
            request,
            _("This pairing is %(status)s: its session log is closed.")
            % {"status": pairing.get_status_display().lower()},
        )
        return redirect(pairing)
    form = SessionForm(
        request.POST or None,
        pairing=pairing,
        skills=skill_choices(),
        initial={"held_on": timezone.localdate()},
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
            messages.success(request, _("Session logged. %(partner)s is asked to confirm it.") % {"partner": partner})
            return redirect(session)
    return render(request, "mentoring/session_form.html", {"pairing": pairing, "form": form})


@login_required
def session_detail(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = get_session_for(request.user, pk, session_pk)
    pairing = session.pairing
    _pair_only(pairing)
    notes = relationship_selectors.notes_readable_by(request.user, [session.pk]).get(session.pk, [])
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
    if session.status == MentoringSession.Status.CONFIRMED:
        # The prompt after a confirmed session (issue 20): the viewer's own reflection only, never the partner's.
        reflection = my_session_reflection(request.user, session.pk)
        context["reflection"] = reflection
        context["reflection_form"] = SessionReflectionForm(initial={"text": reflection.text if reflection else ""})
    return render(request, "mentoring/session_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = get_session_for(request.user, pk, session_pk, write=True)
    pairing = session.pairing
    if session.logged_by_id != request.user.pk or session.status == MentoringSession.Status.CONFIRMED:
        messages.info(request, _("Only the person who logged a session changes it, and only until it is confirmed."))
        return redirect(session)
    own = relationship_selectors.own_note(request.user, session)
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
    form = SessionForm(request.POST or None, pairing=pairing, skills=skill_choices(), initial=initial)
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
            messages.success(request, _("Session saved. Your partner is asked to confirm it."))
            return redirect(session)
    return render(request, "mentoring/session_form.html", {"pairing": pairing, "form": form, "session": session})


@login_required
@require_http_methods(["GET", "POST"])
def session_delete(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = get_session_for(request.user, pk, session_pk, write=True)
    if session.logged_by_id != request.user.pk or session.status == MentoringSession.Status.CONFIRMED:
        messages.info(request, _("Only the person who logged a session deletes it, and only until it is confirmed."))
        return redirect(session)
    if request.method == "POST":
        try:
            relationship.session_delete(session=session, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(session)
        messages.success(request, _("The session of %(date)s was deleted.") % {"date": long_date(session.held_on)})
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
        messages.success(request, _("You confirmed the session of %(date)s.") % {"date": long_date(session.held_on)})
        # The optional reflection prompt waits on the session's page (issue 20).
        return redirect(f"{session.get_absolute_url()}#reflect")
    return redirect(request.POST.get("next") == "pairing" and session.pairing or session)


@login_required
@require_http_methods(["GET", "POST"])
def session_dispute(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = get_session_for(request.user, pk, session_pk, write=True)
    if session.logged_by_id == request.user.pk:
        messages.info(request, _("You logged this session: change it instead. Your partner confirms or disputes it."))
        return redirect(session)
    if session.status == MentoringSession.Status.DISPUTED:
        messages.info(request, _("You have already disputed this session. Your partner can correct it."))
        return redirect(session)
    form = DisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            relationship.session_dispute(session=session, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("You disputed the session. Your partner can correct it."))
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
                _("Your private note is saved.")
                if form.cleaned_data["text"].strip()
                else _("Your private note is deleted."),
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
            messages.success(request, _("Your agreement is saved."))
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
        messages.success(request, _("You acknowledged that what is said in this relationship stays in it."))
    return redirect(pairing)


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_pairing_page_for(request.user, pk)
    _pair_only(pairing)
    # "?for=mentor" (the mentor's "Add one of my own goals"): the mentor's own learning goal; the mentee's otherwise.
    mine = pairing.side == Goal.Owner.MENTOR and request.GET.get("for") == Goal.Owner.MENTOR
    form = GoalForm(request.POST or None, side=pairing.side, owner=Goal.Owner.MENTOR if mine else Goal.Owner.MENTEE)
    if request.method == "POST" and form.is_valid():
        try:
            relationship.goal_create(pairing=pairing, by=request.user, data=form.to_input())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Goal added."))
            return redirect(pairing)
    return render(request, "mentoring/goal_form.html", {"pairing": pairing, "form": form, "owner": form.owner})


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
            messages.success(request, _("Goal saved."))
            return redirect(goal.pairing)
    context = {"pairing": goal.pairing, "form": form, "goal": goal, "owner": goal.owner}
    return render(request, "mentoring/goal_form.html", context)


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
            concerns.concern_raise(pairing=pairing, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The coordinators have your message and will be in touch. Your partner is not told.")
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
        messages.error(request, _("Choose good, still deciding or not good."))
        return redirect(pairing)
    try:
        concerns.fit_answer(pairing=pairing, by=request.user, fit=form.cleaned_data["fit"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Thank you. You can change your answer at any time."))
    return redirect(pairing)


# --- Coordinators: check-in states and alerts -------------------------------------------------------------------


@login_required
def relationships(request: HttpRequest, pk: int) -> HttpResponse:
    """A programme's current pairings with their check-in state, sessions and open alerts (metadata only)."""
    programme = get_programme_for(request.user, pk, manage=True)
    # Queries: the programme (access); the state counts; the paginator count; one page of pairings with
    # both people, session counts and open alerts; the unresolved alerts of the programme; their counts.
    context = relationship_selectors.checkin_states(
        programme=programme, state=request.GET.get("state", ""), page_number=request.GET.get("page")
    )
    context.update(
        programme=programme,
        query=f"state={context['state']}" if context["state"] else "",
        alerts=alert_selectors.programme_open_alerts(programme=programme),
        # Counted as the Alerts tab counts them (open: nobody on it yet; acknowledged: someone is).
        alert_counts=alert_selectors.unresolved_counts(programme=programme),
        active_tab="relationships",
        waiting=proposals_waiting(programme),  # proposed pairings: their count, then the oldest 50
    )
    return render(request, "mentoring/relationships.html", context)
