"""Issue 19, points 2 and 3 as a coordinator sees them: the run form's choice of objective, the round page's
comparison of objectives with the price of each, the stability report, the history, the settings' default.

The solver lands separately: the stored comparisons and blocking pairs are written here as rows, or added to
whatever ``round_plan`` returns; one test runs a real round end to end."""

from __future__ import annotations

import html
import re

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from config.tests.html_forms import form_of
from mentoring.models import MatchRound, MatchSettings, Objective
from mentoring.services import matching
from mentoring.tests.factories import MatchProposalFactory, MatchRoundFactory, approved_profile
from programmes.models import Role
from programmes.tests.factories import DepartmentFactory, OrgUnitFactory, PersonFactory, SkillFactory

pytestmark = pytest.mark.django_db

# What each objective gives on a cohort, as the solver would store it: best total ran.
COMPARISON = {
    "best_total": {"matched": 10, "total": 900, "worst": 40, "blocking": 3},
    "most_matched": {"matched": 12, "total": 886, "worst": 35, "blocking": 4},
    "fairest": {"matched": 12, "total": 880, "worst": 51, "blocking": 5},
    "stable": {"matched": 11, "total": 850, "worst": 30, "blocking": 0},
}
BLOCKING = [
    {"mentor": 1, "mentee": 2, "mentor_name": "Ann Mentor", "mentee_name": "Mina Mentee"},
    {"mentor": 3, "mentee": 4, "mentor_name": "Ben Mentor", "mentee_name": "Nico Mentee"},
]


@pytest.fixture
def add(programme):
    skill = SkillFactory(name="Negotiation")
    support = OrgUnitFactory(name="Helpdesk", parent=DepartmentFactory(name="Service"))
    platform = OrgUnitFactory(name="Cloud", parent=DepartmentFactory(name="Technology"))

    def _add(name: str, role: str = Role.MENTEE, **kwargs):
        mentor = role == Role.MENTOR
        return approved_profile(
            programme=programme,
            role=role,
            display_name=name,
            skills=[(skill, 3 if mentor else 2)],
            grade=5 if mentor else 2,
            org_unit=platform if mentor else support,
            capacity=1 if mentor else None,
            **kwargs,
        ).person

    return _add


@pytest.fixture
def cohort(add):
    """Three mentees and two mentors with a place each: a round matches two."""
    return [add("Mina"), add("Nico"), add("Oli"), add("Ann", Role.MENTOR), add("Ben", Role.MENTOR)]


@pytest.fixture
def web(coordinator) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    return client


def text(response) -> str:
    """The page's words as a person reads them: tags dropped, entities decoded, whitespace collapsed."""
    body = re.sub(r"<(script|style|title)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    body = re.sub(r"</?(strong|em|b)>", "", body)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def stored_round(programme, coordinator, **fields) -> MatchRound:
    fields.setdefault("comparison", COMPARISON)
    return MatchRoundFactory(programme=programme, run_by=coordinator, **fields)


def round_url(match_round: MatchRound) -> str:
    return reverse("mentoring:matching_round", args=[match_round.programme_id, match_round.pk])


def messages_of(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


# --- The run form ---------------------------------------------------------------------------------------------


def test_the_run_form_as_rendered_sends_the_objective_chosen(web, programme, cohort):
    page = reverse("mentoring:matching", args=[programme.pk])
    run = reverse("mentoring:matching_run", args=[programme.pk])
    form = form_of(web.get(page).content.decode(), action=run)

    response = form.submit(web, page, objective="most_matched", follow=True)

    match_round = MatchRound.objects.get(programme=programme)
    assert match_round.objective == Objective.MOST_MATCHED
    assert response.context["round"] == match_round
    assert "Objective: Most people matched." in text(response)
    assert any(m.startswith("Most people matched: The round proposes 2 pairings") for m in messages_of(response))


def test_the_run_form_offers_every_objective_in_words_and_starts_on_the_programmes_default(web, programme, cohort):
    MatchSettings.objects.update_or_create(programme=programme, defaults={"objective": Objective.FAIREST})
    page = web.get(reverse("mentoring:matching", args=[programme.pk]))
    words = text(page)
    assert "Best total The largest sum of scores." in words
    assert "Most people matched As many mentees matched as possible, then the best total." in words
    assert (
        "Fairest the programme's default As many mentees matched as possible, then the worst pair as good as it "
        "can be, then the best total." in words
    )
    assert "Stable No mentor and mentee who would both rather have each other" in words

    run = reverse("mentoring:matching_run", args=[programme.pk])
    form_of(page.content.decode(), action=run).submit(web, page.wsgi_request.path)  # sent unchanged
    assert MatchRound.objects.get(programme=programme).objective == Objective.FAIREST


def test_an_unknown_objective_is_refused_with_a_message_and_runs_nothing(web, programme, cohort):
    page = reverse("mentoring:matching", args=[programme.pk])
    run = reverse("mentoring:matching_run", args=[programme.pk])
    data = form_of(web.get(page).content.decode(), action=run).data()
    data["objective"] = "cheapest"  # a tampered page

    response = web.post(run, data, follow=True)

    assert response.status_code == 200
    assert "That is not an objective a round can run with. Choose one of the objectives shown." in text(response)
    assert not MatchRound.objects.exists()


def test_the_service_refuses_an_unknown_objective_in_words(programme, coordinator, cohort):
    with pytest.raises(ValidationError) as refused:
        matching.round_run(programme=programme, by=coordinator, objective="cheapest")
    assert "“cheapest” is not an objective a round can run with" in refused.value.messages[0]
    assert "Most people matched" in refused.value.messages[0]
    assert not MatchRound.objects.exists()


def test_a_run_without_an_objective_uses_the_programmes_default(client, coordinator, programme, cohort):
    MatchSettings.objects.update_or_create(programme=programme, defaults={"objective": Objective.STABLE})
    client.force_login(coordinator)
    client.post(reverse("mentoring:matching_run", args=[programme.pk]))
    assert MatchRound.objects.get(programme=programme).objective == Objective.STABLE


# --- The round page: the objective and the comparison ----------------------------------------------------------


def test_the_round_page_says_which_objective_ran_and_what_each_would_give(web, programme, coordinator):
    match_round = stored_round(programme, coordinator, objective=Objective.BEST_TOTAL)
    words = text(web.get(round_url(match_round)))

    assert "Objective: Best total. The largest sum of scores." in words
    # Each row: the objective, its description, people matched, total, worst pair, blocking pairs.
    assert "Best total ran The largest sum of scores. 10 900 40 3" in words
    assert "Most people matched As many mentees matched as possible, then the best total. 12 886 35 4" in words
    assert "then the best total. 12 880 51 5" in words
    assert "(deferred acceptance). 11 850 30 0" in words
    # The price of each choice against the one that ran, in words.
    assert (
        "Most people matched: 2 more people matched, total 14 lower, worst pair 5 worse, 1 more blocking pair" in words
    )
    assert "Fairest: 2 more people matched, total 20 lower, worst pair 11 better, 2 more blocking pairs" in words
    assert "Stable: 1 more person matched, total 50 lower, worst pair 10 worse, 3 fewer blocking pairs" in words


def test_only_the_objective_that_ran_is_highlighted(web, programme, coordinator):
    match_round = stored_round(programme, coordinator, objective=Objective.FAIREST)
    content = web.get(round_url(match_round)).content.decode()
    highlighted = re.findall(r'<tr class="table-primary">\s*<th scope="row"[^>]*><span[^>]*>([^<]+)</span>', content)
    assert highlighted == ["Fairest"]
    assert "Best total: 2 fewer people matched, total 20 higher, worst pair 11 worse, 2 fewer blocking pairs" in (
        text(web.get(round_url(match_round)))
    )


def test_a_round_from_before_objectives_says_it_compared_none(web, programme, coordinator):
    match_round = stored_round(programme, coordinator, comparison={})
    words = text(web.get(round_url(match_round)))
    assert "This round ran before rounds compared objectives" in words
    assert "This round ran before rounds looked for blocking pairs" in words
    assert "Run with this objective" not in words


def test_run_with_this_objective_replaces_the_draft(web, programme, coordinator, cohort):
    draft = stored_round(programme, coordinator, objective=Objective.BEST_TOTAL)
    page = web.get(round_url(draft)).content.decode()
    run = reverse("mentoring:matching_run", args=[programme.pk])
    form = form_of(page, action=run, text="Run with this objective (Most people matched)")
    assert form.attrs["data-confirm"].startswith("Replace this draft")

    response = form.submit(web, round_url(draft), follow=True)

    draft.refresh_from_db()
    assert draft.status == MatchRound.Status.DISCARDED
    new = MatchRound.objects.get(programme=programme, status=MatchRound.Status.DRAFT)
    assert new.objective == Objective.MOST_MATCHED
    assert response.context["round"] == new
    # The same form sent twice (a double click) runs once.
    form.submit(web, round_url(draft))
    assert MatchRound.objects.filter(programme=programme).count() == 2


def test_a_published_round_offers_no_rerun(web, programme, coordinator):
    match_round = stored_round(programme, coordinator, status=MatchRound.Status.PUBLISHED)
    words = text(web.get(round_url(match_round)))
    assert "10 900 40 3" in words
    assert "Run with this objective" not in words
    assert "Run the stable option" not in words


def test_the_chart_draws_unlocalised_coordinates_in_german(web, programme, coordinator):
    web.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    comparison = {key: {**values, "total": values["total"] * 10} for key, values in COMPARISON.items()}
    match_round = stored_round(programme, coordinator, comparison=comparison)
    content = web.get(round_url(match_round)).content.decode()
    svg = re.search(r"<svg class=\"w-100\".*?</svg>", content, flags=re.S)[0]
    coordinates = re.findall(r'\b(?:x|y|width|height)="([^"]*)"', svg)
    assert coordinates and all(re.fullmatch(r"\d+", c) for c in coordinates), coordinates
    assert ">9000<" in svg and "Zugeordnete Personen" in svg  # the largest total, labelled in German
    assert 'width="220"' in svg  # the largest total fills the bar space


def test_the_price_says_the_same_result_and_skips_a_worst_pair_nobody_has():
    from mentoring.selectors.round_objectives import price_in_words

    ran = {"matched": 3, "total": 200, "worst": 50, "blocking": 1}
    assert price_in_words("Fairest", dict(ran), ran) == "Fairest: the same result"
    nobody = {"matched": 0, "total": 0, "worst": None, "blocking": 0}
    assert price_in_words("Stable", nobody, ran) == (
        "Stable: 3 fewer people matched, total 200 lower, 1 fewer blocking pair"
    )


def test_a_comparison_missing_the_objective_that_ran_shows_its_numbers_without_a_price(web, programme, coordinator):
    comparison = {"fairest": {"matched": 4, "total": 300, "worst": None, "blocking": 0}}
    match_round = stored_round(programme, coordinator, objective=Objective.BEST_TOTAL, comparison=comparison)
    words = text(web.get(round_url(match_round)))
    assert "then the best total. 4 300 – 0" in words
    assert "Fairest:" not in words


# --- The stability report -------------------------------------------------------------------------------------


def test_the_stability_report_lists_the_stored_blocking_pairs(web, programme, coordinator):
    match_round = stored_round(programme, coordinator, blocking=BLOCKING, blocking_count=3)
    words = text(web.get(round_url(match_round)))
    assert (
        "Stability report 3 blocking pairs: a mentor and a mentee who would both rather have each other than what "
        "they got. The first 2 are listed."
    ) in words
    assert (
        "Ann Mentor (mentor) and Mina Mentee (mentee): both would rather have each other than what they got." in words
    )
    assert "Ben Mentor (mentor) and Nico Mentee (mentee): both would rather have each other" in words


def test_no_blocking_pairs_is_said_and_the_stable_option_is_offered(web, programme, coordinator, cohort):
    match_round = stored_round(programme, coordinator, blocking=[], blocking_count=0)
    page = web.get(round_url(match_round))
    assert "No blocking pairs: no mentor and mentee would both rather have each other." in text(page)

    run = reverse("mentoring:matching_run", args=[programme.pk])
    form_of(page.content.decode(), action=run, text="Run the stable option").submit(web, round_url(match_round))
    assert MatchRound.objects.get(programme=programme, status=MatchRound.Status.DRAFT).objective == Objective.STABLE


def test_a_stable_round_does_not_offer_itself_again(web, programme, coordinator):
    match_round = stored_round(programme, coordinator, objective=Objective.STABLE)
    words = text(web.get(round_url(match_round)))
    assert "Run the stable option" not in words
    assert words.count("Run with this objective") == 3  # the three objectives that did not run


# --- What a round stores, and a real round end to end ------------------------------------------------------------


def test_a_round_stores_what_its_plan_compared_and_the_blocking_pairs(
    monkeypatch, client, programme, coordinator, cohort
):
    real_plan = matching.round_plan

    def plan_with_comparison(cohort, objective=Objective.BEST_TOTAL):
        plan = real_plan(cohort, objective=objective)
        plan.comparison = COMPARISON
        plan.blocking, plan.blocking_count = BLOCKING, 2
        return plan

    monkeypatch.setattr(matching, "round_plan", plan_with_comparison)
    client.force_login(coordinator)
    response = client.post(
        reverse("mentoring:matching_run", args=[programme.pk]), {"objective": "fairest"}, follow=True
    )

    match_round = MatchRound.objects.get(programme=programme)
    assert (match_round.objective, match_round.comparison) == ("fairest", COMPARISON)
    assert (match_round.blocking, match_round.blocking_count) == (BLOCKING, 2)
    words = text(response)
    assert "Objective: Fairest." in words
    assert "2 blocking pairs: a mentor and a mentee who would both rather have each other" in words


def test_a_real_round_runs_with_the_objective_chosen_and_its_page_shows_what_it_stored(web, programme, cohort):
    page = reverse("mentoring:matching", args=[programme.pk])
    run = reverse("mentoring:matching_run", args=[programme.pk])
    response = form_of(web.get(page).content.decode(), action=run).submit(web, page, objective="fairest", follow=True)

    match_round = MatchRound.objects.get(programme=programme)
    assert match_round.objective == Objective.FAIREST
    assert match_round.proposals.count() == 2  # two mentors with a place each, three mentees
    words = text(response)
    assert "Objective: Fairest." in words
    for value in match_round.comparison.values():  # whatever the solver compared is on the page
        assert f"{value['matched']} {value['total']}" in words
    assert len(match_round.blocking) <= 50 and match_round.blocking_count >= len(match_round.blocking)


# --- History and settings -------------------------------------------------------------------------------------


def test_the_history_shows_each_rounds_objective(web, programme, coordinator):
    stored_round(programme, coordinator, objective=Objective.STABLE, status=MatchRound.Status.DISCARDED)
    stored_round(programme, coordinator, objective=Objective.MOST_MATCHED)
    content = web.get(reverse("mentoring:matching_history", args=[programme.pk])).content.decode()
    assert re.findall(r"<td[^>]*>(Stable|Most people matched|Best total|Fairest)</td>", content) == [
        "Most people matched",
        "Stable",
    ]


def test_the_settings_keep_the_programmes_default_objective_and_reset_it(web, programme):
    url = reverse("mentoring:matching_settings", args=[programme.pk])
    page = web.get(url)
    assert "Fairest: As many mentees matched as possible" in text(page)
    form_of(page.content.decode(), action="").submit(web, url, objective="fairest")
    assert MatchSettings.objects.get(programme=programme).objective == Objective.FAIREST

    reset = reverse("mentoring:matching_settings_reset", args=[programme.pk])
    form_of(web.get(url).content.decode(), action=reset).submit(web, url)
    assert MatchSettings.objects.get(programme=programme).objective == Objective.BEST_TOTAL


# --- Query budget ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 20])
def test_round_page_runs_a_fixed_number_of_queries_with_its_comparison(
    client, programme, coordinator, django_assert_num_queries, size
):
    match_round = stored_round(programme, coordinator, blocking=BLOCKING * 25, blocking_count=size * 3)
    for _ in range(size):
        MatchProposalFactory(round=match_round, mentor=PersonFactory(), mentee=PersonFactory())
    client.force_login(coordinator)
    # session, user, the programme, my roles, the round with who ran and published it, the paginator's count,
    # one page of proposals with both people and their pairing, the areas (the comparison and the blocking pairs
    # are the round's own row)
    with django_assert_num_queries(8):
        response = client.get(round_url(match_round))
    assert len(response.context["page"]) == size
    assert "Run with this objective" in response.content.decode()


# --- Every word translated ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pseudo_locale(tmp_path_factory):
    from core.catalogues import pseudo_catalogues

    return pseudo_catalogues(tmp_path_factory.mktemp("locale"))


def test_the_comparison_and_the_stability_report_are_translated(
    client, programme, coordinator, pseudo_locale, settings
):
    """The permission matrix's pseudo-locale walk sees a round without a comparison; this one has everything."""
    from django.utils.translation import trans_real

    from config.tests.test_pseudo_locale import data_words, english_left, visible_text
    from core.catalogues import PSEUDO_LANGUAGE

    settings.LANGUAGES = [*settings.LANGUAGES, PSEUDO_LANGUAGE]
    settings.LOCALE_PATHS = [pseudo_locale, *settings.LOCALE_PATHS]
    trans_real.translation_catalog_exists.cache_clear()
    try:
        coordinator.language = PSEUDO_LANGUAGE[0]
        coordinator.save(update_fields=["language"])
        client.force_login(coordinator)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = PSEUDO_LANGUAGE[0]
        rounds = [
            stored_round(programme, coordinator, objective=Objective.MOST_MATCHED, blocking=BLOCKING, blocking_count=9),
            stored_round(programme, coordinator, status=MatchRound.Status.DISCARDED, comparison={"stable": {}}),
        ]
        known = data_words()
        pages = [round_url(r) for r in rounds] + [
            reverse(name, args=[programme.pk]) for name in ("mentoring:matching", "mentoring:matching_history")
        ]
        for url in pages:
            text = visible_text(client.get(url))
            assert english_left(text, known) == [], url
    finally:
        trans_real.translation_catalog_exists.cache_clear()


def test_the_ran_objectives_figures_are_the_drafts_and_a_changed_draft_says_it_no_longer_is(
    web, programme, coordinator, cohort
):
    match_round = matching.round_run(programme=programme, by=coordinator, objective=Objective.BEST_TOTAL)
    live = list(match_round.proposals.filter(removed=False))
    ran = match_round.comparison[Objective.BEST_TOTAL]
    # What the table says the objective that ran gives is what its stored proposals give.
    assert (ran["matched"], ran["total"], ran["worst"]) == (
        len(live),
        sum(p.score for p in live),
        min(p.score for p in live),
    )
    assert "was changed since it ran" not in text(web.get(round_url(match_round)))
    matching.proposal_remove(proposal=live[0], by=coordinator)
    words = text(web.get(round_url(match_round)))
    assert (
        f"This draft was changed since it ran: it now proposes 1 pairing, total score {live[1].score}. The table "
        "and the blocking pairs are what the round found when it ran." in words
    )
