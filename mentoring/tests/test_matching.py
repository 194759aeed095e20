"""Matching rounds, swaps, publishing, settings, overrides and suggestions; then the coordinator's pages."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from mentoring.models import MatchOverride, MatchProposal, MatchRound, MatchSettings, Pairing
from mentoring.selectors import matching as matching_selectors
from mentoring.selectors.cohort import cohort_load, rules_broken
from mentoring.selectors.scoring import score_value
from mentoring.services import match_settings, matching
from mentoring.tests.factories import MatchProposalFactory, MatchRoundFactory, PairingFactory, approved_profile
from programmes.models import Notification, Programme, Role
from programmes.tests.factories import (
    CourseFactory,
    DepartmentFactory,
    OrgUnitFactory,
    PersonFactory,
    ProgrammeRequirementFactory,
    SkillFactory,
    TrainingRecordFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def skills(db):
    return {name: SkillFactory(name=name) for name in ("Negotiation", "Budgeting", "Coaching")}


@pytest.fixture
def teams(db):
    return {
        "support": OrgUnitFactory(name="Helpdesk", parent=DepartmentFactory(name="Service")),
        "platform": OrgUnitFactory(name="Cloud", parent=DepartmentFactory(name="Technology")),
    }


@pytest.fixture
def add(programme, skills, teams):
    """Add an approved mentee (grade 2, Support) or mentor (grade 5, Platform) to the cast's programme."""

    def _add(name: str, role: str = Role.MENTEE, wants: dict[str, int] | None = None, **kwargs):
        kwargs.setdefault("grade", 2 if role == Role.MENTEE else 5)
        kwargs.setdefault("org_unit", teams["support"] if role == Role.MENTEE else teams["platform"])
        if role == Role.MENTOR:
            kwargs.setdefault("capacity", 1)
        return approved_profile(
            programme=programme,
            role=role,
            display_name=name,
            skills=[(skills[s], level) for s, level in (wants or {}).items()],
            **kwargs,
        ).person

    return _add


@pytest.fixture
def crossed(add):
    """Two mentees and two mentors of capacity 1, where taking the best mentor for the first mentee costs the
    second one dearly: Mina's best is Ann (100) but Ben (97) is nearly as good; Nico needs Ann (93) and
    scores only 33 with Ben."""
    mina = add("Mina", wants={"Negotiation": 2}, availability=["mon-am", "tue-am", "wed-am"])
    nico = add("Nico", wants={"Budgeting": 2}, availability=["mon-am"], languages=["French"])
    ann = add(
        "Ann",
        Role.MENTOR,
        wants={"Negotiation": 2, "Budgeting": 2},
        availability=["mon-am", "tue-am", "wed-am"],
        languages=["English", "French"],
    )
    ben = add("Ben", Role.MENTOR, wants={"Negotiation": 2}, availability=["mon-am", "tue-am"])
    return {"mina": mina, "nico": nico, "ann": ann, "ben": ben}


def greedy_total(programme: Programme) -> tuple[int, dict[int, int]]:
    """First come, first served: each mentee in turn takes the best allowed mentor who still has a place."""
    cohort = cohort_load(programme=programme)
    taken: dict[int, int] = {}
    total, chosen = 0, {}
    for mentee in cohort.mentees.values():
        options = [
            (score_value(m, mentee, cohort.weights), m.pk)
            for m in cohort.mentors.values()
            if not rules_broken(cohort, m.pk, mentee.pk, extra_load=taken.get(m.pk, 0))
        ]
        options = [o for o in options if o[0] >= cohort.weights.min_score]
        if options:
            score, mentor_id = max(options)
            taken[mentor_id] = taken.get(mentor_id, 0) + 1
            chosen[mentee.pk] = mentor_id
            total += score
    return total, chosen


def proposed(match_round: MatchRound) -> dict[str, str]:
    return {p.mentee.display_name: p.mentor.display_name for p in match_round.proposals.filter(removed=False)}


# --- Rounds -------------------------------------------------------------------------------------------------


def test_a_round_finds_a_better_total_than_first_come_first_served(programme, coordinator, crossed):
    greedy, chosen = greedy_total(programme)
    assert chosen == {crossed["mina"].pk: crossed["ann"].pk, crossed["nico"].pk: crossed["ben"].pk}
    assert greedy == 100 + 33

    match_round = matching.round_run(programme=programme, by=coordinator)

    assert proposed(match_round) == {"Mina": "Ben", "Nico": "Ann"}
    assert match_round.total_score == 97 + 93 > greedy


def test_a_round_keeps_its_weights_proposals_with_their_parts_and_who_ran_it(programme, coordinator, crossed):
    match_round = matching.round_run(programme=programme, by=coordinator)
    assert match_round.status == MatchRound.Status.DRAFT
    assert match_round.run_by == coordinator
    assert match_round.weights["skills_weight"] == 40 and match_round.weights["min_score"] == 30
    nico = match_round.proposals.get(mentee=crossed["nico"])
    assert nico.score == 93
    assert [p["text"] for p in nico.parts] == [
        "+40 skills: Budgeting",
        "+15 different department",
        "+15 experience gap of 3 grades",
        "+3 one common time slot",
        "+5 both can meet in person or by video",
        "+10 shared language: French",
        "+5 mentor's training met",
    ]


def test_running_a_round_again_replaces_the_draft_and_keeps_the_old_one_as_history(programme, coordinator, crossed):
    first = matching.round_run(programme=programme, by=coordinator)
    second = matching.round_run(programme=programme, by=coordinator)
    first.refresh_from_db()
    assert first.status == MatchRound.Status.DISCARDED
    assert second.status == MatchRound.Status.DRAFT
    assert MatchRound.objects.filter(programme=programme).count() == 2


def test_a_round_leaves_out_mentees_with_a_pairing_and_counts_current_pairings_against_capacity(
    programme, coordinator, add
):
    busy = add("Bea", Role.MENTOR, wants={"Negotiation": 2}, capacity=2)
    PairingFactory(programme=programme, mentor=busy)  # one of her two places is taken
    add("Ed", wants={"Negotiation": 2})
    add("Flo", wants={"Negotiation": 2})
    paired = add("Gil", wants={"Negotiation": 2})
    PairingFactory(programme=programme, mentee=paired, status=Pairing.Status.PROPOSED)

    match_round = matching.round_run(programme=programme, by=coordinator)

    assert len(proposed(match_round)) == 1
    names = {u["name"] for u in match_round.unmatched}
    assert "Gil" not in names and "Mina Mentee" not in names  # both already have a pairing
    loser = next(u for u in match_round.unmatched if u["name"] in ("Ed", "Flo"))
    assert loser["reason"].startswith("every mentor who fits went to another mentee for a better total")


def test_unmatched_mentees_get_the_reason_in_words(programme, coordinator, add):
    MatchSettings.objects.create(programme=programme, min_score=70)
    boss = add("Bo Boss", Role.MENTOR, wants={"Coaching": 4}, capacity=3)
    add("Cy", wants={"Coaching": 2}, line_manager=boss)
    add("Di", wants={"Negotiation": 2})
    add("Eve", wants={"Coaching": 4, "Budgeting": 4}, availability=["fri-pm"], languages=["German"])

    reasons = {u["name"]: u["reason"] for u in matching.round_run(programme=programme, by=coordinator).unmatched}

    assert reasons["Cy"] == "every possible mentor is in their management chain"
    assert reasons["Di"] == "no mentor with free capacity shares any wanted skill"
    assert reasons["Eve"] == "best score 50 is below the minimum of 70"


def test_a_mentee_is_told_when_no_mentor_has_a_place(programme, coordinator, add):
    full = add("Fay", Role.MENTOR, wants={"Negotiation": 2}, capacity=1)
    PairingFactory(programme=programme, mentor=full)
    add("Gus", wants={"Negotiation": 2})
    reasons = {u["name"]: u["reason"] for u in matching.round_run(programme=programme, by=coordinator).unmatched}
    assert reasons["Gus"] == "no mentor has a free place"


def test_only_a_matching_or_running_programme_runs_rounds_and_only_its_coordinators(programme, coordinator, mentor):
    with pytest.raises(ValidationError, match="Only the programme's coordinators"):
        matching.round_run(programme=programme, by=mentor)
    programme.status = Programme.Status.RECRUITING
    programme.save()
    with pytest.raises(ValidationError, match="matching starts when enrolment closes"):
        matching.round_run(programme=programme, by=coordinator)


# --- Swap and remove ------------------------------------------------------------------------------------------


def test_a_swap_rescored_with_the_rounds_weights_and_the_total_follows(programme, coordinator, crossed):
    match_round = matching.round_run(programme=programme, by=coordinator)
    nico = match_round.proposals.get(mentee=crossed["nico"])
    extra = PersonFactory(display_name="Cal")
    approved_profile(
        programme=programme,
        role=Role.MENTOR,
        person=extra,
        capacity=1,
        skills=[(crossed["ann"].applications.get().skills.get(skill__name="Budgeting").skill, 1)],
    )
    matching.proposal_swap(proposal=nico, mentor=extra, by=coordinator)
    nico.refresh_from_db()
    match_round.refresh_from_db()
    assert nico.mentor == extra
    assert nico.parts[0]["text"] == "+20 skills: Budgeting (partly)"
    assert match_round.total_score == 97 + nico.score


def test_a_swap_is_refused_when_the_mentor_is_full_counting_the_rounds_other_proposals(programme, coordinator, crossed):
    match_round = matching.round_run(programme=programme, by=coordinator)
    nico = match_round.proposals.get(mentee=crossed["nico"])
    # Ben has one place, taken by his proposal for Mina in this very round.
    with pytest.raises(ValidationError) as refused:
        matching.proposal_swap(proposal=nico, mentor=crossed["ben"], by=coordinator)
    assert refused.value.messages == [
        "Ben cannot be proposed for Nico:",
        "Ben has no free place: 1 of 1 mentee already, counting proposals.",
    ]
    nico.refresh_from_db()
    assert nico.mentor == crossed["ann"]


def test_a_swap_is_refused_for_a_mentor_up_the_management_chain(programme, coordinator, crossed, add):
    boss = add("Bo Boss", Role.MENTOR, wants={"Budgeting": 3})
    crossed["nico"].line_manager = boss
    crossed["nico"].save()
    match_round = matching.round_run(programme=programme, by=coordinator)
    nico = match_round.proposals.get(mentee=crossed["nico"])
    with pytest.raises(ValidationError, match="Bo Boss is Nico's line manager"):
        matching.proposal_swap(proposal=nico, mentor=boss, by=coordinator)


def test_removing_a_proposal_lists_the_mentee_as_unmatched(programme, coordinator, crossed):
    match_round = matching.round_run(programme=programme, by=coordinator)
    mina = match_round.proposals.get(mentee=crossed["mina"])
    matching.proposal_remove(proposal=mina, by=coordinator)
    match_round.refresh_from_db()
    assert proposed(match_round) == {"Nico": "Ann"}
    assert match_round.total_score == 93
    assert {
        "mentee": crossed["mina"].pk,
        "name": "Mina",
        "reason": "Cora Coordinator removed the proposal with Ben",
    } in (match_round.unmatched)
    with pytest.raises(ValidationError, match="already removed"):
        matching.proposal_remove(proposal=mina, by=coordinator)


# --- Publish --------------------------------------------------------------------------------------------------


def test_publishing_creates_proposed_pairings_and_tells_each_pair(
    programme, coordinator, crossed, django_capture_on_commit_callbacks
):
    match_round = matching.round_run(programme=programme, by=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        pairings = matching.round_publish(match_round=match_round, by=coordinator)

    assert len(pairings) == 2
    nico = Pairing.objects.get(mentee=crossed["nico"])
    assert (nico.mentor, nico.status, nico.source, nico.score, nico.created_by) == (
        crossed["ann"],
        Pairing.Status.PROPOSED,
        Pairing.Source.ROUND,
        93,
        coordinator,
    )
    assert nico.explanation[0]["text"] == "+40 skills: Budgeting"
    assert match_round.proposals.get(mentee=crossed["nico"]).pairing == nico
    match_round.refresh_from_db()
    assert (match_round.status, match_round.published_by) == (MatchRound.Status.PUBLISHED, coordinator)
    told = Notification.objects.filter(url=nico.get_absolute_url())
    assert sorted(n.person.display_name for n in told) == ["Ann", "Nico"]
    assert "Ann is proposed as your mentor" in told.get(person=crossed["nico"]).text
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in crossed.values())
    assert all("skills" not in m.body for m in mail.outbox)  # the why stays in the app


def test_a_round_is_published_once(programme, coordinator, crossed):
    match_round = matching.round_run(programme=programme, by=coordinator)
    matching.round_publish(match_round=match_round, by=coordinator)
    with pytest.raises(ValidationError, match="already published"):
        matching.round_publish(match_round=match_round, by=coordinator)
    assert Pairing.objects.filter(source=Pairing.Source.ROUND).count() == 2


def test_publishing_is_all_or_nothing_when_a_mentor_filled_up_meanwhile(programme, coordinator, crossed):
    match_round = matching.round_run(programme=programme, by=coordinator)
    late = approved_profile(programme=programme).person
    matching.pairing_propose(programme=programme, mentor=crossed["ann"], mentee=late, by=coordinator)
    with pytest.raises(ValidationError) as refused:
        matching.round_publish(match_round=match_round, by=coordinator)
    assert refused.value.messages[0].startswith("Nothing was published.")
    assert "Ann with Nico: Ann has no free place" in refused.value.messages[1]
    assert not Pairing.objects.filter(source=Pairing.Source.ROUND).exists()
    match_round.refresh_from_db()
    assert match_round.status == MatchRound.Status.DRAFT


def test_a_pairing_proposed_by_hand_follows_the_same_rules(programme, coordinator, crossed):
    pairing = matching.pairing_propose(
        programme=programme, mentor=crossed["ben"], mentee=crossed["mina"], by=coordinator
    )
    assert (pairing.status, pairing.source, pairing.score) == ("proposed", "manual", 97)
    with pytest.raises(ValidationError, match="Ben has no free place"):
        matching.pairing_propose(programme=programme, mentor=crossed["ben"], mentee=crossed["nico"], by=coordinator)


# --- Settings, overrides, suggestions ---------------------------------------------------------------------------


def test_settings_are_created_with_the_defaults_on_first_use_and_can_be_reset(programme, coordinator):
    settings = matching.match_settings_get(programme=programme)
    assert (settings.skills_weight, settings.min_score, settings.allow_requests) == (40, 30, True)
    match_settings.match_settings_update(
        programme=programme, data={"skills_weight": 70, "min_score": 50, "allow_requests": False}, by=coordinator
    )
    settings.refresh_from_db()
    assert (settings.skills_weight, settings.min_score, settings.allow_requests) == (70, 50, False)
    match_settings.match_settings_reset(programme=programme, by=coordinator)
    settings.refresh_from_db()
    assert (settings.skills_weight, settings.min_score, settings.allow_requests) == (40, 30, True)


def test_settings_refuse_a_reversed_band_and_all_weights_zero(programme, coordinator):
    matching.match_settings_get(programme=programme)
    with pytest.raises(ValidationError) as refused:
        match_settings.match_settings_update(
            programme=programme, data={"preferred_gap_min": 5, "preferred_gap_max": 2}, by=coordinator
        )
    assert refused.value.message_dict == {
        "preferred_gap_max": ["The largest preferred gap cannot be smaller than the smallest."]
    }
    zero = {name: 0 for name in match_settings.SETTINGS_FIELDS if name.endswith("_weight")}
    with pytest.raises(ValidationError, match="at least one part a weight above zero"):
        match_settings.match_settings_update(programme=programme, data=zero, by=coordinator)
    assert MatchSettings.objects.get(programme=programme).preferred_gap_min == 1


def test_an_override_needs_a_reason_and_an_earlier_pairing(programme, coordinator, crossed):
    args = {"programme": programme, "mentor": crossed["ann"], "mentee": crossed["nico"], "by": coordinator}
    with pytest.raises(ValidationError, match="Say why"):
        matching.match_override_record(reason=" ", **args)
    with pytest.raises(ValidationError, match="never paired before"):
        matching.match_override_record(reason="Both asked for it", **args)
    PairingFactory(programme=programme, mentor=crossed["ann"], mentee=crossed["nico"], status="completed")
    override = matching.match_override_record(reason="Both asked for it", **args)
    assert (override.reason, override.created_by) == ("Both asked for it", coordinator)


def test_suggestions_are_the_best_allowed_mentors_above_the_minimum(programme, crossed, add, teams):
    # 0 skills, same team, +15 gap, no common slot, +5 mode, -10 language, +5 readiness: 15, below 30.
    add(
        "Low",
        Role.MENTOR,
        wants={"Coaching": 1},
        languages=["German"],
        availability=["fri-pm"],
        org_unit=teams["support"],
    )
    suggestions = matching_selectors.suggestions_for(programme=programme, mentee=crossed["mina"])
    assert [(s.mentor.display_name, s.score) for s in suggestions] == [("Ann", 100), ("Ben", 97)]
    assert suggestions[0].parts[0]["text"] == "+40 skills: Negotiation"
    assert len(matching_selectors.suggestions_for(programme=programme, mentee=crossed["mina"], limit=1)) == 1
    PairingFactory(programme=programme, mentor=crossed["ben"], mentee=crossed["mina"], status="proposed")
    assert matching_selectors.suggestions_for(programme=programme, mentee=crossed["mina"]) == []


# --- Pages ----------------------------------------------------------------------------------------------------


def test_the_cohort_table_shows_each_mentees_best_mentors_and_why(client, cast, programme, crossed):
    approved_profile(programme=programme, person=cast["mentee"])
    approved_profile(programme=programme, person=cast["mentor"], role=Role.MENTOR)
    client.force_login(cast["coordinator"])
    response = client.get(reverse("mentoring:matching", args=[programme.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    mina = next(r for r in response.context["rows"] if r.mentee.name == "Mina")
    assert [(s.mentor.display_name, s.score) for s in mina.suggestions] == [
        ("Ann", 100),
        ("Ben", 97),
        ("Max Mentor", 53),
    ]
    assert "+40 skills: Negotiation" in content
    assert "Active</span> with Max Mentor" in content  # the cast's mentee is paired already
    assert "Run a round" in content


def test_the_cohort_table_filters_unmatched_mentees_and_by_name(client, coordinator, programme, crossed):
    client.force_login(coordinator)
    url = reverse("mentoring:matching", args=[programme.pk])
    unmatched = client.get(url, {"unmatched": "on"}).context["rows"]
    assert [r.mentee.name for r in unmatched] == ["Mina", "Nico"]
    assert [r.mentee.name for r in client.get(url, {"name": "nic"}).context["rows"]] == ["Nico"]
    response = client.get(url, {"name": "x" * 101})
    assert "That filter was not understood" in response.content.decode()
    assert len(response.context["rows"]) == 2


def test_running_a_round_from_the_page_leads_to_the_draft(client, coordinator, programme, crossed):
    client.force_login(coordinator)
    response = client.post(reverse("mentoring:matching_run", args=[programme.pk]), follow=True)
    content = response.content.decode()
    assert "The round proposes 2 pairings (total score 190); 0 mentees unmatched." in content
    assert 'Swap<span class="visually-hidden"> the mentor of Nico' in content
    assert response.context["round"].status == MatchRound.Status.DRAFT


def test_running_a_round_in_a_programme_not_yet_matching_says_why(client, coordinator, programme):
    programme.status = Programme.Status.RECRUITING
    programme.save()
    client.force_login(coordinator)
    response = client.post(reverse("mentoring:matching_run", args=[programme.pk]), follow=True)
    assert "matching starts when enrolment closes" in response.content.decode()
    assert not MatchRound.objects.exists()


def test_the_swap_page_lists_mentors_with_their_score_and_refuses_a_full_one(client, coordinator, programme, crossed):
    match_round = matching.round_run(programme=programme, by=coordinator)
    nico = match_round.proposals.get(mentee=crossed["nico"])
    url = reverse("mentoring:matching_swap", args=[programme.pk, nico.pk])
    client.force_login(coordinator)
    page = client.get(url)
    ben = next(c for c in page.context["choices"] if c.mentor.name == "Ben")
    assert ben.score == 33 and ben.free_places == 0
    assert "Ben has no free place" in page.content.decode()
    refused = client.post(url, {"mentor": crossed["ben"].pk})
    assert refused.status_code == 400
    assert "Ben has no free place: 1 of 1 mentee already" in refused.content.decode()
    bogus = client.post(url, {"mentor": crossed["nico"].pk})
    assert "Choose one of the programme&#x27;s mentors." in bogus.content.decode()


def test_swapping_from_the_page_changes_the_proposal(client, coordinator, programme, crossed, add):
    cal = add("Cal", Role.MENTOR, wants={"Budgeting": 2})
    match_round = matching.round_run(programme=programme, by=coordinator)
    nico = match_round.proposals.get(mentee=crossed["nico"])
    client.force_login(coordinator)
    response = client.post(reverse("mentoring:matching_swap", args=[programme.pk, nico.pk]), {"mentor": cal.pk})
    assert response.status_code == 302
    assert "Cal is now proposed for Nico." in client.get(response.url).content.decode()


def test_swapping_to_a_mentor_below_the_minimum_is_refused(client, coordinator, programme, crossed, add, teams):
    # No skill, same team, +15 gap, +3 one slot, +5 mode, -10 language, +5 readiness: 18.
    low = add("Lou", Role.MENTOR, wants={"Coaching": 2}, languages=["German"], org_unit=teams["support"])
    match_round = matching.round_run(programme=programme, by=coordinator)
    nico = match_round.proposals.get(mentee=crossed["nico"])
    client.force_login(coordinator)
    url = reverse("mentoring:matching_swap", args=[programme.pk, nico.pk])
    response = client.post(url, {"mentor": low.pk})
    assert response.status_code == 400
    assert "score 18, below the programme&#x27;s minimum of 30" in response.content.decode()
    nico.refresh_from_db()
    assert nico.mentor_id != low.pk


def test_removing_from_the_page(client, coordinator, programme, crossed):
    match_round = matching.round_run(programme=programme, by=coordinator)
    mina = match_round.proposals.get(mentee=crossed["mina"])
    client.force_login(coordinator)
    response = client.post(reverse("mentoring:matching_remove", args=[programme.pk, mina.pk]), follow=True)
    assert "The proposal for Mina is removed" in response.content.decode()
    assert "Cora Coordinator removed the proposal with Ben" in response.content.decode()
    # A removed proposal cannot be swapped or removed again.
    assert client.post(reverse("mentoring:matching_remove", args=[programme.pk, mina.pk])).status_code == 404


def test_publishing_from_the_page_asks_first(client, coordinator, programme, crossed):
    match_round = matching.round_run(programme=programme, by=coordinator)
    url = reverse("mentoring:matching_publish", args=[programme.pk, match_round.pk])
    client.force_login(coordinator)
    assert "Publish 2 proposals?" in client.get(url).content.decode()
    assert not Pairing.objects.filter(source="round").exists()
    response = client.post(url, follow=True)
    assert "2 pairings are proposed. Each mentor and mentee was told" in response.content.decode()
    assert Pairing.objects.filter(source="round").count() == 2
    again = client.get(url, follow=True)
    assert "This round is published; there is nothing to publish." in again.content.decode()


def test_the_history_lists_rounds_with_who_when_weights_and_counts(client, coordinator, programme, crossed):
    matching.round_run(programme=programme, by=coordinator)
    matching.round_run(programme=programme, by=coordinator)
    client.force_login(coordinator)
    response = client.get(reverse("mentoring:matching_history", args=[programme.pk]))
    content = response.content.decode()
    assert [r.status for r in response.context["page"]] == ["draft", "discarded"]
    assert "Cora Coordinator" in content and "Skills 40" in content and "minimum 30" in content


def test_the_settings_page_saves_refuses_bad_values_and_resets(client, coordinator, programme):
    url = reverse("mentoring:matching_settings", args=[programme.pk])
    client.force_login(coordinator)
    data = {name: getattr(MatchSettings(), name) for name in match_settings.SETTINGS_FIELDS}
    bad = client.post(url, {**data, "preferred_gap_min": 6, "preferred_gap_max": 2})
    assert bad.status_code == 200
    assert "The largest preferred gap cannot be smaller than the smallest." in bad.content.decode()
    assert client.post(url, {**data, "min_score": 55}).status_code == 302
    assert MatchSettings.objects.get(programme=programme).min_score == 55
    reset = client.post(reverse("mentoring:matching_settings_reset", args=[programme.pk]), follow=True)
    assert "Every matching setting is back to its default." in reset.content.decode()
    assert MatchSettings.objects.get(programme=programme).min_score == 30


def test_the_override_page_records_why_a_pair_may_meet_again(client, coordinator, programme, crossed):
    PairingFactory(programme=programme, mentor=crossed["ann"], mentee=crossed["nico"], status="completed")
    url = reverse("mentoring:matching_override", args=[programme.pk, crossed["ann"].pk, crossed["nico"].pk])
    client.force_login(coordinator)
    assert "Completed" in client.get(url).content.decode()
    assert "This field is required." in client.post(url, {"reason": ""}).content.decode()
    assert client.post(url, {"reason": "They asked for it."}).status_code == 302
    assert MatchOverride.objects.get(programme=programme).reason == "They asked for it."
    wrong_way_round = [programme.pk, crossed["nico"].pk, crossed["ann"].pk]
    assert client.get(reverse("mentoring:matching_override", args=wrong_way_round)).status_code == 404


def test_a_mentor_sees_why_they_were_matched(client, coordinator, programme, crossed):
    matching.round_publish(match_round=matching.round_run(programme=programme, by=coordinator), by=coordinator)
    client.force_login(crossed["ann"])
    content = client.get(Pairing.objects.get(mentor=crossed["ann"]).get_absolute_url()).content.decode()
    assert "Why you were matched" in content
    assert "+40 skills: Budgeting" in content


def test_matching_pages_are_for_the_programmes_coordinators_only(client, cast):
    url = reverse("mentoring:matching", args=[cast["pairing"].programme_id])
    client.force_login(cast["mentee"])
    assert client.get(url).status_code == 403
    client.force_login(cast["outsider"])
    assert client.get(url).status_code == 404


# --- Query budgets --------------------------------------------------------------------------------------------


def grow(programme, add, n: int) -> None:
    """``n`` mentees and about half as many trained mentors; mentors must be trained, so readiness costs its
    four queries."""
    course = CourseFactory()
    ProgrammeRequirementFactory(programme=programme, role=Role.MENTOR, course=course)
    for i in range(n):
        add(f"Mentee {i:02d}", wants={"Negotiation": 2})
        if i % 2:
            TrainingRecordFactory(course=course, person=add(f"Mentor {i:02d}", Role.MENTOR, wants={"Negotiation": 3}))


@pytest.mark.parametrize("size", [3, 40])
def test_matching_page_query_budget(client, cast, add, django_assert_num_queries, size):
    programme = cast["pairing"].programme
    grow(programme, add, size)
    matching.match_settings_get(programme=programme)
    client.force_login(cast["coordinator"])
    # session, user, the programme, my roles, the settings, the approved applications with people and teams,
    # their skills, readiness (memberships, requirements, records, overrides), the org units, line-manager links,
    # pairings, match overrides, rankings, wishes, the draft round with its proposal count, the late joiners (mentees
    # approved after the last published round), the areas
    with django_assert_num_queries(20):
        response = client.get(reverse("mentoring:matching", args=[programme.pk]))
    assert len(response.context["rows"]) == min(size, 25)


@pytest.mark.parametrize("size", [3, 40])
def test_round_page_query_budget(client, cast, add, django_assert_num_queries, size):
    programme = cast["pairing"].programme
    grow(programme, add, size * 2)
    match_round = matching.round_run(programme=programme, by=cast["coordinator"])
    assert match_round.proposals.count() == size
    client.force_login(cast["coordinator"])
    # session, user, the programme, my roles, the round with who ran and published it, the paginator's count,
    # one page of proposals with both people and their pairing, the areas; for the unmatched mentees, their
    # development skills and the open learning opportunities that fit them (none here, so no skills to prefetch)
    with django_assert_num_queries(10):
        client.get(reverse("mentoring:matching_round", args=[programme.pk, match_round.pk]))


@pytest.mark.parametrize("size", [3, 40])
def test_history_page_query_budget(client, cast, django_assert_num_queries, size):
    programme = cast["pairing"].programme
    for _ in range(size):
        MatchProposalFactory(round=MatchRoundFactory(programme=programme, status="discarded"))
    client.force_login(cast["coordinator"])
    # session, user, the programme, my roles, the paginator's count, one page of rounds with people and counts,
    # the areas
    with django_assert_num_queries(7):
        response = client.get(reverse("mentoring:matching_history", args=[programme.pk]))
    assert len(response.context["page"]) == min(size, 25)


@pytest.mark.parametrize("size", [3, 40])
def test_swap_page_query_budget(client, cast, add, django_assert_num_queries, size):
    programme = cast["pairing"].programme
    grow(programme, add, size)
    match_round = matching.round_run(programme=programme, by=cast["coordinator"])
    proposal = match_round.proposals.first()
    client.force_login(cast["coordinator"])
    # session, user, the programme, my roles, the proposal with its round and people, the settings and the
    # cohort (thirteen, as above), the round's proposals per mentor, the areas
    with django_assert_num_queries(20):
        response = client.get(reverse("mentoring:matching_swap", args=[programme.pk, proposal.pk]))
    assert len(response.context["choices"]) == len(cohort_load(programme=programme).mentors) - 1


def test_proposals_of_other_programmes_are_not_found(client, cast):
    other = MatchProposalFactory()
    client.force_login(cast["coordinator"])
    url = reverse("mentoring:matching_swap", args=[cast["pairing"].programme_id, other.pk])
    assert client.get(url).status_code == 404
    assert MatchProposal.objects.filter(pk=other.pk, removed=False).exists()


def test_running_a_round_twice_from_one_page_makes_one_round(client, coordinator, programme, crossed):
    """A double click on "Run a round" (the form as rendered, token included) runs once."""
    from django.test import Client

    from config.tests.html_forms import form_of

    web = Client(enforce_csrf_checks=True)
    web.force_login(coordinator)
    run = reverse("mentoring:matching_run", args=[programme.pk])
    data = form_of(web.get(reverse("mentoring:matching", args=[programme.pk])).content.decode(), action=run).data()
    first, second = web.post(run, data), web.post(run, data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert MatchRound.objects.filter(programme=programme).count() == 1
