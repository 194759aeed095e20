"""The coordinator's matching pages: the cohort table, settings, rounds (run, swap, remove, publish), history.

Every page is for the programme's coordinators only (scores compare people with each other).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.once import submit_once
from mentoring.forms.matching import CohortFilterForm, MatchOverrideForm, MatchSettingsForm, RoundRunForm, SwapForm
from mentoring.models import OBJECTIVE_DESCRIPTIONS, CriterionRule, MatchRound, Objective
from mentoring.permissions import get_proposal_for, get_round_for
from mentoring.selectors import matching as selectors
from mentoring.selectors import rematch
from mentoring.selectors.cohort import cohort_load, match_settings_get
from mentoring.selectors.opportunities import opportunities_for_unmatched
from mentoring.selectors.round_objectives import comparison_chart, objective_options, round_comparison
from mentoring.selectors.scoring import CRITERIA, CRITERION_LABELS, PART_LABELS, PARTS, PREFERENCE_PARTS, Weights
from mentoring.services import match_settings
from mentoring.services import matching as services
from programmes.models import Role
from programmes.permissions import get_participant_for, get_programme_for

PAGE_SIZE = 25


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _error(request: HttpRequest, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


@login_required
def matching(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    form = CohortFilterForm(request.GET or None)
    unmatched_only, name = False, ""
    if form.is_bound and form.is_valid():
        unmatched_only, name = form.cleaned_data["unmatched"], form.cleaned_data["name"]
    elif form.is_bound:
        messages.warning(request, _("That filter was not understood, so every mentee is shown."))
    # Queries: the settings and the cohort (thirteen in all), the draft round with who ran it and its proposal count,
    # the mentees approved after the last published round (late joiners). Re-match suggestions: none (the cohort).
    settings = match_settings_get(programme=programme)
    cohort = cohort_load(programme=programme, settings=settings)
    mentees = selectors.cohort_mentees(cohort, unmatched_only=unmatched_only, name=name)
    page = Paginator(mentees, PAGE_SIZE).get_page(request.GET.get("page"))
    draft = selectors.draft_round(programme)
    context = {
        "programme": programme,
        "form": form,
        "page": page,
        "rows": selectors.cohort_rows(cohort, page.object_list),
        "draft": draft,
        "cohort": cohort,
        # Who has said something: mentees who ranked mentors, mentors who marked mentees (issue 19).
        "ranked": len({mentee_id for mentee_id, _mentor in cohort.rankings}),
        "marked": len({mentor_id for mentor_id, _mentee in cohort.stances}),
        "filtered": unmatched_only or bool(name),
        "rematch": rematch.rematch_rows(cohort),
        "rematch_waiting": len(rematch.rematch_waiting(cohort)),
        "late_count": len(rematch.late_joiners(cohort, rematch.late_joiner_ids(programme))),
        "query": _query_without_page(request),
        "objectives": objective_options(),
        "default_objective": settings.objective,
    }
    return render(request, "mentoring/matching_cohort.html", context)


@login_required
def matching_settings(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    settings = match_settings_get(programme=programme)
    form = MatchSettingsForm(request.POST or None, instance=settings)
    if request.method == "POST" and form.is_valid():
        try:
            saved = match_settings.match_settings_update(programme=programme, data=form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The matching settings are saved. Rounds already run keep the weights they used.")
            )
            if Weights.from_settings(saved).required:
                # Required criteria may rule out every mentor for some: say how many (the cohort's eleven queries).
                count = selectors.mentees_ruled_out(cohort_load(programme=programme, settings=saved))
                if count:
                    messages.warning(
                        request,
                        ngettext(
                            "Under these rules %(count)s mentee waiting for a mentor has no mentor with a free place "
                            "that the rules allow.",
                            "Under these rules %(count)s mentees waiting for a mentor have no mentor with a free place "
                            "that the rules allow.",
                            count,
                        )
                        % {"count": count},
                    )
            return redirect("mentoring:matching", pk=programme.pk)
    return render(request, "mentoring/matching_settings.html", {"programme": programme, "form": form})


@login_required
@require_POST
def matching_settings_reset(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    match_settings.match_settings_reset(programme=programme, by=request.user)
    messages.success(request, _("Every matching setting is back to its default."))
    return redirect("mentoring:matching_settings", pk=programme.pk)


@login_required
@require_POST
@submit_once
def matching_run(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    form = RoundRunForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect("mentoring:matching", pk=programme.pk)
    try:
        # No objective sent (a page from before objectives, a script): the programme's own, from its settings.
        match_round = services.round_run(
            programme=programme, by=request.user, objective=form.cleaned_data["objective"] or None
        )
    except ValidationError as exc:
        _error(request, exc)
        return redirect("mentoring:matching", pk=programme.pk)
    count, unmatched = match_round.proposals.count(), len(match_round.unmatched)
    # Two counts, each with its own plural, put together by a sentence the translator can reorder.
    proposed = ngettext(
        "The round proposes %(count)s pairing (total score %(score)s)",
        "The round proposes %(count)s pairings (total score %(score)s)",
        count,
    ) % {"count": count, "score": match_round.total_score}
    left = ngettext("%(count)s mentee unmatched", "%(count)s mentees unmatched", unmatched) % {"count": unmatched}
    messages.success(
        request,
        _("%(objective)s: %(proposed)s; %(unmatched)s. Review the draft, then publish it.")
        % {"objective": match_round.get_objective_display(), "proposed": proposed, "unmatched": left},
    )
    return redirect("mentoring:matching_round", pk=programme.pk, round_pk=match_round.pk)


@login_required
def matching_round(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    match_round = get_round_for(programme, round_pk)
    # Queries: the paginator's count, then one page of live proposals with both people and any pairing made.
    page = Paginator(selectors.round_proposals(match_round), PAGE_SIZE).get_page(request.GET.get("page"))
    comparison = round_comparison(match_round)  # from the round's row: no query
    # The table is what the round found when it ran; a draft changed since (a swap, a removal, people changed while
    # it ran) no longer gives the figures of the objective that ran, and the page says what it gives now.
    ran = next((row for row in comparison if row.ran), None)
    changed = ran is not None and (ran.matched, ran.total) != (page.paginator.count, match_round.total_score)
    context = {
        "programme": programme,
        "round": match_round,
        "page": page,
        # The preference parts only when they counted in this round (someone had ranked or marked someone); rounds
        # run before a part existed ran with it at 0.
        "weights": [
            (PART_LABELS[p], match_round.weights.get(f"{p}_weight", 0))
            for p in PARTS
            if p not in PREFERENCE_PARTS or match_round.weights.get("preferences_in_play")
        ],
        "required": [
            CRITERION_LABELS[c] for c in CRITERIA if match_round.weights.get(f"{c}_rule") == CriterionRule.REQUIRED
        ],
        "is_draft": match_round.status == MatchRound.Status.DRAFT,
        # Another objective replaces the draft: offered on the draft only, while the programme still matches.
        "may_rerun": match_round.status == MatchRound.Status.DRAFT and programme.status in services.MATCHING_STATUSES,
        "comparison": comparison,
        "changed_since_run": changed,
        "chart": comparison_chart(comparison),
        "objective_description": OBJECTIVE_DESCRIPTIONS.get(match_round.objective, ""),
        "stable": Objective.STABLE,
        "unmatched_rows": _unmatched_with_opportunities(match_round, programme.pk),
    }
    return render(request, "mentoring/matching_round.html", context)


def _unmatched_with_opportunities(match_round: MatchRound, programme_pk: int) -> list[dict]:
    """The round's unmatched mentees, each with up to three open learning opportunities that fit their
    development skills (three queries whatever their number): something to offer while they wait."""
    rows = [item for item in match_round.unmatched if isinstance(item, dict)]
    found = opportunities_for_unmatched([item["mentee"] for item in rows if item.get("mentee")], programme_pk)
    return [{**item, "opportunities": found.get(item.get("mentee"), [])} for item in rows]


@login_required
def matching_swap(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    proposal = get_proposal_for(programme, proposal_pk)
    proposal.round.programme = programme
    cohort, proposed = services.round_cohort(proposal.round)
    form = SwapForm(request.POST or None, mentors=cohort.mentors.values())
    if request.method == "POST" and form.is_valid():
        mentor = cohort.mentors[form.cleaned_data["mentor"]].person
        try:
            services.proposal_swap(proposal=proposal, mentor=mentor, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("%(mentor)s is now proposed for %(mentee)s.") % {"mentor": mentor, "mentee": proposal.mentee}
            )
            return redirect("mentoring:matching_round", pk=programme.pk, round_pk=proposal.round_id)
    context = {
        "programme": programme,
        "proposal": proposal,
        "form": form,
        "choices": selectors.swap_choices(cohort, proposed, proposal),
    }
    return render(request, "mentoring/matching_swap.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def matching_remove(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    proposal = get_proposal_for(programme, proposal_pk)
    try:
        services.proposal_remove(proposal=proposal, by=request.user)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("The proposal for %(mentee)s is removed; they are listed as unmatched.") % {"mentee": proposal.mentee},
        )
    return redirect("mentoring:matching_round", pk=programme.pk, round_pk=proposal.round_id)


@login_required
def matching_publish(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    match_round = get_round_for(programme, round_pk)
    if match_round.status != MatchRound.Status.DRAFT:
        status = match_round.get_status_display().lower()
        messages.info(request, _("This round is %(status)s; there is nothing to publish.") % {"status": status})
        return redirect("mentoring:matching_round", pk=programme.pk, round_pk=match_round.pk)
    if request.method == "POST":
        match_round.programme = programme
        try:
            pairings = services.round_publish(match_round=match_round, by=request.user)
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s pairing is proposed. Each mentor and mentee was told and asked to accept.",
                    "%(count)s pairings are proposed. Each mentor and mentee was told and asked to accept.",
                    len(pairings),
                )
                % {"count": len(pairings)},
            )
        return redirect("mentoring:matching_round", pk=programme.pk, round_pk=match_round.pk)
    count = selectors.live_proposal_count(match_round)
    return render(
        request, "mentoring/matching_publish.html", {"programme": programme, "round": match_round, "count": count}
    )


@login_required
def matching_history(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    # Queries: the paginator's count, then one page of rounds with who ran and published them and their counts.
    page = Paginator(selectors.rounds_for(programme), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for r in page.object_list:
        # Each round's weights as it stored them; the preference parts only when they counted in it (issue 19).
        r.weight_list = [
            (PART_LABELS[p], r.weights[f"{p}_weight"])
            for p in PARTS
            if f"{p}_weight" in r.weights and (p not in PREFERENCE_PARTS or r.weights.get("preferences_in_play"))
        ]
    return render(request, "mentoring/matching_history.html", {"programme": programme, "page": page})


@login_required
def matching_override(request: HttpRequest, pk: int, mentor_pk: int, mentee_pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    mentor, mentee = get_participant_for(programme, mentor_pk), get_participant_for(programme, mentee_pk)
    if mentor.role != Role.MENTOR or mentee.role != Role.MENTEE:
        raise Http404("No such pair in this programme.")
    form = MatchOverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.match_override_record(
                programme=programme, mentor=mentor.person, mentee=mentee.person, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(mentor)s and %(mentee)s may be matched again.")
                % {"mentor": mentor.person, "mentee": mentee.person},
            )
            return redirect("mentoring:matching", pk=programme.pk)
    # Status and dates only: an earlier pairing may belong to a programme this coordinator does not run.
    earlier = selectors.earlier_pairings(mentor=mentor.person, mentee=mentee.person)
    return render(
        request,
        "mentoring/matching_override.html",
        {"programme": programme, "mentor": mentor.person, "mentee": mentee.person, "form": form, "earlier": earlier},
    )
