"""Ranked preferences (issue 19): a mentee ranks their suggested mentors; a mentor marks waiting mentees."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.once import submit_once
from core.pagination import page_of
from mentoring.models import MentorStance
from mentoring.selectors.cohort import cohort_load, match_settings_get
from mentoring.selectors.preferences import is_approved_mentor, ranking_choices, stances_of, waiting_mentees
from mentoring.selectors.scoring import MAX_RANKED
from mentoring.services.preferences import preferences_open, ranking_save, stances_save
from programmes.models import Role
from programmes.permissions import get_programme_for


def _ids(values: list[str]) -> list[int] | None:
    """Database ids as posted ("" left out), or None when one is not an id at all."""
    ids = []
    for value in values:
        if value == "":
            continue
        if not (value.isascii() and value.isdecimal() and len(value) < 12):
            return None
        ids.append(int(value))
    return ids


@login_required
@submit_once
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk)
    if Role.MENTEE not in programme.my_roles:
        raise PermissionDenied("Rankings are for the programme's mentees.")
    if request.method == "POST":
        return _ranking_post(request, programme)
    settings = match_settings_get(programme=programme)
    n = settings.max_ranked if preferences_open(programme) else 0
    choices = []
    if n:
        # Queries: the cohort (thirteen, the settings passed), whatever the number of mentors.
        choices = ranking_choices(cohort_load(programme=programme, settings=settings), request.user.pk)
    ranked = sorted((c for c in choices if c.rank is not None and c.rank <= n), key=lambda c: c.rank)
    context = {"programme": programme, "n": n, "places": range(1, n + 1), "choices": choices, "ranked": ranked}
    return render(request, "mentoring/ranking.html", context)


def _ranking_post(request: HttpRequest, programme) -> HttpResponse:
    back = redirect("mentoring:ranking", programme.pk)
    if "clear" in request.POST:
        mentor_ids: list[int] | None = []
    else:
        posted = {key: request.POST.get(key, "") for key in request.POST if key.startswith("rank_")}
        places = {key.removeprefix("rank_") for key in posted}
        # A place as the page names it: "rank_1", never "rank_01" (which would name the same place twice).
        if not all(
            p.isascii() and p.isdecimal() and 0 < len(p) < 3 and str(int(p)) == p and 0 < int(p) <= MAX_RANKED
            for p in places
        ):
            messages.error(request, _("The ranking has places that do not exist; nothing was saved."))
            return back
        mentor_ids = _ids([posted[f"rank_{k}"] for k in sorted(int(p) for p in places)])
        if mentor_ids is None:
            messages.error(request, _("Choose mentors from your suggestions; nothing was saved."))
            return back
        highest = max((int(p) for p in places if posted[f"rank_{p}"]), default=0)
        if highest > match_settings_get(programme=programme).max_ranked:
            messages.error(request, _("The ranking has places that do not exist; nothing was saved."))
            return back
    try:
        ranking_save(programme=programme, mentee=request.user, mentor_ids=mentor_ids)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your ranking is saved.") if mentor_ids else _("Your ranking is cleared."))
    return back


@login_required
@submit_once
def mentor_stances(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk)
    if Role.MENTOR not in programme.my_roles:
        raise PermissionDenied("This page is for the programme's mentors.")
    if request.method == "POST":
        return _stances_post(request, programme)
    is_open = preferences_open(programme)
    # Queries (while open): my approved application; then the paginator's count, one page of mentees with people
    # and teams, their skills, my wishes.
    approved = is_open and is_approved_mentor(programme=programme, person_id=request.user.pk)
    page, stances = None, {}
    if approved:
        page = page_of(request, waiting_mentees(programme, exclude_person_id=request.user.pk))
        stances = stances_of(
            programme=programme, mentor_id=request.user.pk, mentee_ids=[a.person_id for a in page.object_list]
        )
    rows = [(a, stances.get(a.person_id, "")) for a in page.object_list] if page else []
    context = {
        "programme": programme,
        "open": is_open,
        "approved": approved,
        "page": page,
        "rows": rows,
        "Stance": MentorStance.Stance,
    }
    return render(request, "mentoring/mentor_stances.html", context)


def _stance(value: str) -> str:
    """What a row's radio buttons sent: "none" is the button of no preference (the service's "")."""
    return "" if value == "none" else value


def _stances_post(request: HttpRequest, programme) -> HttpResponse:
    url = reverse("mentoring:mentor_stances", args=[programme.pk])
    page = request.POST.get("page", "")
    back = redirect(f"{url}?page={page}" if page.isascii() and page.isdecimal() and len(page) < 6 else url)
    keys = [key.removeprefix("stance_") for key in request.POST if key.startswith("stance_")]
    ids = _ids(keys)
    if ids is None or "" in keys:
        messages.error(request, _("Some of these mentees are not in this programme; nothing was saved."))
        return back
    try:
        stances_save(
            programme=programme,
            mentor=request.user,
            stances={int(key): _stance(request.POST.get(f"stance_{key}", "")) for key in keys},
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your preferences are saved. Mentees never see them."))
    return back
