"""Learning opportunities (issue 20, part 1): publishing, asking, the line manager's decision, the host's
confirmation, places, counting as protected time, the learning record, and the pages' query budgets."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mentoring.tests.factories import PairingFactory
from programmes.models import (
    Application,
    ApplicationSkill,
    Course,
    Membership,
    Notification,
    Opportunity,
    OpportunityRequest,
    Role,
    TrainingRecord,
)
from programmes.selectors.time import programme_participants_time, time_use
from programmes.services.opportunities import (
    opportunity_close,
    opportunity_edit,
    opportunity_publish,
    opportunity_request,
    opportunity_request_confirm,
    opportunity_request_decide,
    opportunity_request_withdraw,
)
from programmes.tests.factories import (
    ApplicationFactory,
    CourseFactory,
    MembershipFactory,
    OrgUnitFactory,
    PersonFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _team(mentee):
    """The cast's line manager manages the mentee: they may publish."""


def publish(by, host, **data):
    values = {
        "kind": Opportunity.Kind.SHADOWING,
        "title": "Shadow the support lead",
        "host": host,
        "hours": Decimal("4"),
    }
    values.update(data)
    return opportunity_publish(by=by, data=values)


@pytest.fixture
def opportunity(line_manager, mentor):
    return publish(line_manager, mentor)


def asked(opportunity, person, programme):
    return opportunity_request(opportunity=opportunity, person=person, programme=programme)


def used_hours(programme, person, month):
    row = next(m for m in programme_participants_time(programme.pk, month=month) if m.person_id == person.pk)
    return time_use(row)


# --- Publishing --------------------------------------------------------------------------------------------


def test_a_line_manager_and_a_coordinator_publish_but_a_mentee_cannot(line_manager, coordinator, mentee, mentor):
    assert publish(line_manager, mentor).published_by == line_manager
    assert publish(coordinator, mentor, title="Visit").status == Opportunity.Status.OPEN
    with pytest.raises(ValidationError):
        publish(mentee, mentor, title="Mine")


def test_a_line_manager_publishes_only_for_their_own_or_their_reports_teams(line_manager, mentee, mentor):
    publish(line_manager, mentor, org_unit=mentee.org_unit)
    with pytest.raises(ValidationError, match="your own team"):
        publish(line_manager, mentor, title="Elsewhere", org_unit=OrgUnitFactory(name="Elsewhere"))


def test_only_the_course_kind_names_a_course(line_manager, mentor):
    course = CourseFactory(kind=Course.Kind.COURSE)
    with pytest.raises(ValidationError):
        publish(line_manager, mentor, kind=Opportunity.Kind.COURSE)
    assert publish(line_manager, mentor, kind=Opportunity.Kind.VISIT, course=course).course is None
    assert publish(line_manager, mentor, title="C", kind=Opportunity.Kind.COURSE, course=course).course == course


def test_places_cannot_drop_below_the_places_held(opportunity, mentee, line_manager, programme):
    opportunity_edit(opportunity=opportunity, by=line_manager, data={"places": 2})
    opportunity_request_decide(request=asked(opportunity, mentee, programme), by=line_manager, approve=True)
    with pytest.raises(ValidationError):
        opportunity_edit(opportunity=opportunity, by=line_manager, data={"places": 0})
    opportunity_edit(opportunity=opportunity, by=line_manager, data={"places": 1})


def test_only_the_publisher_or_a_coordinator_edits_or_closes(opportunity, mentee, coordinator, line_manager):
    with pytest.raises(ValidationError):
        opportunity_close(opportunity=opportunity, by=mentee)
    opportunity_edit(opportunity=opportunity, by=coordinator, data={"title": "Renamed"})
    assert opportunity_close(opportunity=opportunity, by=line_manager).status == Opportunity.Status.CLOSED


# --- Asking and deciding ------------------------------------------------------------------------------------


def test_asking_tells_the_line_manager_by_email_in_their_language(opportunity, mentee, line_manager, programme):
    line_manager.language = "de"
    line_manager.save()
    mail.outbox.clear()
    asked(opportunity, mentee, programme)
    assert Notification.objects.filter(person=line_manager).exists()
    [message] = [m for m in mail.outbox if line_manager.email in m.to]
    assert message.subject == "Ein Lernangebot wartet auf Ihre Genehmigung"


def test_a_closed_opportunity_or_one_asked_already_cannot_be_asked(opportunity, mentee, programme, line_manager):
    asked(opportunity, mentee, programme)
    with pytest.raises(ValidationError, match="already asked"):
        asked(opportunity, mentee, programme)
    opportunity_close(opportunity=opportunity, by=line_manager)
    with pytest.raises(ValidationError, match="closed"):
        asked(opportunity, PersonFactory(), programme)


def test_only_a_participant_of_a_programme_that_gives_time_can_ask(opportunity, outsider, programme, mentee):
    with pytest.raises(ValidationError):
        asked(opportunity, outsider, programme)
    programme.status = "closed"
    programme.save()
    with pytest.raises(ValidationError):
        asked(opportunity, mentee, programme)


def test_the_host_cannot_ask_for_their_own_opportunity(opportunity, mentor, programme):
    with pytest.raises(ValidationError, match="host"):
        asked(opportunity, mentor, programme)


def test_only_the_requesters_line_manager_decides(opportunity, mentee, programme, coordinator, mentor, line_manager):
    request = asked(opportunity, mentee, programme)
    for someone in (coordinator, mentor, mentee, PersonFactory()):
        with pytest.raises(ValidationError):
            opportunity_request_decide(request=request, by=someone, approve=True)
    decided = opportunity_request_decide(request=request, by=line_manager, approve=True)
    assert (decided.status, decided.decided_by) == (OpportunityRequest.Status.APPROVED, line_manager)


def test_with_no_line_manager_the_programmes_coordinators_decide(opportunity, programme, coordinator, line_manager):
    loner = PersonFactory(line_manager=None)
    MembershipFactory(programme=programme, person=loner, role=Role.MENTEE)
    request = asked(opportunity, loner, programme)
    assert Notification.objects.filter(person=coordinator).exists()
    with pytest.raises(ValidationError):
        opportunity_request_decide(request=request, by=line_manager, approve=True)
    assert opportunity_request_decide(request=request, by=coordinator, approve=True).status == "approved"


def test_declining_needs_a_reason_and_the_person_is_told(opportunity, mentee, programme, line_manager):
    request = asked(opportunity, mentee, programme)
    with pytest.raises(ValidationError):
        opportunity_request_decide(request=request, by=line_manager, approve=False, reason="  ")
    opportunity_request_decide(request=request, by=line_manager, approve=False, reason="Busy month")
    assert Notification.objects.filter(person=mentee, text__contains="declined").exists()


def test_approval_tells_the_person_and_the_host(opportunity, mentee, mentor, programme, line_manager):
    opportunity_request_decide(request=asked(opportunity, mentee, programme), by=line_manager, approve=True)
    assert Notification.objects.filter(person=mentee, text__contains="approved").exists()
    assert Notification.objects.filter(person=mentor, text__contains="will take up").exists()


def test_places_are_never_exceeded(opportunity, mentee, programme, line_manager):
    other = PersonFactory(line_manager=line_manager)
    MembershipFactory(programme=programme, person=other, role=Role.MENTEE)
    first, second = asked(opportunity, mentee, programme), asked(opportunity, other, programme)
    opportunity_request_decide(request=first, by=line_manager, approve=True)
    with pytest.raises(ValidationError, match="places"):
        opportunity_request_decide(request=second, by=line_manager, approve=True)
    third = MembershipFactory(programme=programme, role=Role.MENTEE).person
    with pytest.raises(ValidationError, match="places"):
        asked(opportunity, third, programme)  # nor asked for, once full
    assert OpportunityRequest.objects.holding_a_place().count() == 1


def test_the_person_withdraws_only_while_pending(opportunity, mentee, programme, line_manager, mentor):
    request = asked(opportunity, mentee, programme)
    with pytest.raises(ValidationError):
        opportunity_request_withdraw(request=request, by=mentor)
    assert opportunity_request_withdraw(request=request, by=mentee).status == "withdrawn"
    again = asked(opportunity, mentee, programme)  # may ask again
    opportunity_request_decide(request=again, by=line_manager, approve=True)
    with pytest.raises(ValidationError):
        opportunity_request_withdraw(request=again, by=mentee)


# --- Confirming and counting --------------------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_only_the_host_confirms_and_only_an_approved_request(opportunity, mentee, mentor, programme, line_manager):
    request = asked(opportunity, mentee, programme)
    with pytest.raises(ValidationError):
        opportunity_request_confirm(request=request, by=mentor, happened=True, happened_on=TODAY.date())
    opportunity_request_decide(request=request, by=line_manager, approve=True)
    for someone in (line_manager, mentee):
        with pytest.raises(ValidationError):
            opportunity_request_confirm(request=request, by=someone, happened=True, happened_on=TODAY.date())
    with pytest.raises(ValidationError):
        opportunity_request_confirm(
            request=request, by=mentor, happened=True, happened_on=TODAY.date() + datetime.timedelta(days=1)
        )
    done = opportunity_request_confirm(request=request, by=mentor, happened=True, happened_on=TODAY.date())
    assert (done.status, done.confirmed_by) == ("taken_up", mentor)
    assert Notification.objects.filter(person=mentee, text__contains="confirmed").exists()


@time_machine.travel(TODAY, tick=False)
def test_taken_up_hours_count_in_the_month_they_happened(opportunity, mentee, mentor, programme, line_manager):
    request = asked(opportunity, mentee, programme)
    opportunity_request_decide(request=request, by=line_manager, approve=True)
    opportunity_request_confirm(request=request, by=mentor, happened=True, happened_on=datetime.date(2026, 10, 30))
    october, november = datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)
    assert used_hours(programme, mentee, october).month.used == Decimal("4.0")
    assert used_hours(programme, mentee, october).opportunities == Decimal("4.0")
    assert used_hours(programme, mentee, november).month.used == Decimal("0.0")


@time_machine.travel(TODAY, tick=False)
def test_pending_declined_and_not_happened_requests_count_nothing(line_manager, mentee, mentor, programme):
    pending = publish(line_manager, mentor, title="Pending")
    declined = publish(line_manager, mentor, title="Declined")
    missed = publish(line_manager, mentor, title="Missed")
    asked(pending, mentee, programme)
    opportunity_request_decide(request=asked(declined, mentee, programme), by=line_manager, approve=False, reason="No")
    request = asked(missed, mentee, programme)
    opportunity_request_decide(request=request, by=line_manager, approve=True)
    opportunity_request_confirm(request=request, by=mentor, happened=False)
    assert used_hours(programme, mentee, datetime.date(2026, 11, 1)).month.used == Decimal("0.0")


@time_machine.travel(TODAY, tick=False)
def test_a_course_taken_through_an_opportunity_counts_once(line_manager, mentee, mentor, programme):
    course = CourseFactory(kind=Course.Kind.COURSE, hours=Decimal("6"))
    offer = publish(line_manager, mentor, kind=Opportunity.Kind.COURSE, course=course, hours=Decimal("6"))
    request = asked(offer, mentee, programme)
    opportunity_request_decide(request=request, by=line_manager, approve=True)
    done = opportunity_request_confirm(request=request, by=mentor, happened=True, happened_on=TODAY.date())
    assert TrainingRecord.objects.get(person=mentee, course=course).pk == done.training_record_id
    use = used_hours(programme, mentee, datetime.date(2026, 11, 1))
    assert (use.month.used, use.opportunities) == (Decimal("6.0"), Decimal("6.0"))


@time_machine.travel(TODAY, tick=False)
def test_hours_count_only_in_the_programme_whose_time_they_used(opportunity, mentee, mentor, programme, line_manager):
    other = MembershipFactory(person=mentee, role=Role.MENTEE).programme
    request = asked(opportunity, mentee, other)
    opportunity_request_decide(request=request, by=line_manager, approve=True)
    opportunity_request_confirm(request=request, by=mentor, happened=True, happened_on=TODAY.date())
    assert used_hours(programme, mentee, datetime.date(2026, 11, 1)).month.used == Decimal("0.0")
    assert used_hours(other, mentee, datetime.date(2026, 11, 1)).month.used == Decimal("4.0")


# --- Pages ---------------------------------------------------------------------------------------------------


def many_opportunities(by, host, count):
    skill = SkillFactory()
    for i in range(count):
        offer = publish(by, host, title=f"Opportunity {i}", kind=Opportunity.Kind.VISIT)
        offer.skills.add(skill)
    return skill


@pytest.mark.parametrize("count", [3, 30])
def test_the_browse_page_runs_the_same_queries_for_3_and_30(
    client, mentee, line_manager, mentor, count, django_assert_num_queries
):
    many_opportunities(line_manager, mentor, count)
    client.force_login(mentee)
    # session, user, areas (navigation), the skills of the filter, the paginator's count, a page, its skills
    with django_assert_num_queries(7):
        response = client.get(reverse("programmes:opportunities"))
    assert response.status_code == 200
    assert "Opportunity 1" in response.content.decode()


def test_the_browse_page_filters_by_kind_skill_and_text(client, mentee, line_manager, mentor):
    skill = many_opportunities(line_manager, mentor, 2)
    publish(line_manager, mentor, title="Rotation in finance", kind=Opportunity.Kind.ROTATION)
    client.force_login(mentee)
    page = client.get(reverse("programmes:opportunities"), {"kind": "rotation"}).content.decode()
    assert "Rotation in finance" in page and "Opportunity 1" not in page
    page = client.get(reverse("programmes:opportunities"), {"skill": skill.pk}).content.decode()
    assert "Opportunity 1" in page and "Rotation in finance" not in page
    page = client.get(reverse("programmes:opportunities"), {"q": "finance"}).content.decode()
    assert "Rotation in finance" in page and "Opportunity 1" not in page


@pytest.mark.parametrize("query", [{"skill": "x"}, {"kind": "nope"}, {"skill": str(2**63)}, {"page": "-1"}])
def test_bad_filters_say_so_and_never_fail(client, mentee, query):
    client.force_login(mentee)
    response = client.get(reverse("programmes:opportunities"), query)
    assert response.status_code == 200


def test_the_empty_state_says_what_to_do(client, mentee):
    client.force_login(mentee)
    assert "No open opportunity matches." in client.get(reverse("programmes:opportunities")).content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_hosted_requests_and_decisions_pages_have_fixed_queries(
    client, mentee, line_manager, mentor, programme, count, django_assert_num_queries
):
    for i in range(count):
        offer = publish(line_manager, mentor, title=f"Offer {i}")
        request = asked(offer, mentee, programme)
        if i % 2:
            opportunity_request_decide(request=request, by=line_manager, approve=True)
    client.force_login(mentor)
    with django_assert_num_queries(5):  # session, user, areas (navigation), the paginator's count, a page
        assert client.get(reverse("programmes:opportunities_hosted")).status_code == 200
    client.force_login(line_manager)
    with django_assert_num_queries(5):
        assert client.get(reverse("programmes:opportunity_decisions")).status_code == 200
    client.force_login(mentee)
    with django_assert_num_queries(5):
        assert client.get(reverse("programmes:opportunity_requests_mine")).status_code == 200


def test_the_whole_flow_through_the_pages(client, mentee, line_manager, mentor, programme):
    client.force_login(line_manager)
    form = client.get(reverse("programmes:opportunity_create")).content.decode()
    token = re.search(r'name="once_token" value="([^"]+)"', form).group(1)
    response = client.post(
        reverse("programmes:opportunity_create"),
        {"kind": "shadowing", "title": "Shadow Max", "host": mentor.pk, "places": 1, "hours": "3", "once_token": token},
    )
    offer = Opportunity.objects.get(title="Shadow Max")
    assert response.url == offer.get_absolute_url()
    # The same form sent twice publishes once.
    client.post(
        reverse("programmes:opportunity_create"),
        {"kind": "shadowing", "title": "Shadow Max", "host": mentor.pk, "places": 1, "hours": "3", "once_token": token},
    )
    assert Opportunity.objects.filter(title="Shadow Max").count() == 1
    client.force_login(mentee)
    assert "Ask for this" in client.get(offer.get_absolute_url()).content.decode()
    client.post(reverse("programmes:opportunity_ask", args=[offer.pk]), {"programme": programme.pk})
    request = OpportunityRequest.objects.get(person=mentee)
    client.force_login(line_manager)
    assert "Shadow Max" in client.get(reverse("programmes:team")).content.decode()
    client.post(
        reverse("programmes:opportunity_request_decide", args=[request.pk]), {"decision": "approve", "next": "team"}
    )
    client.force_login(mentor)
    today = timezone.localdate().isoformat()
    client.post(
        reverse("programmes:opportunity_request_confirm", args=[request.pk]), {"happened": "yes", "happened_on": today}
    )
    request.refresh_from_db()
    assert request.status == "taken_up"
    client.force_login(mentee)
    assert "Shadow Max" in client.get(reverse("programmes:my_training")).content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "shadowing", "title": "", "host": "1", "places": "1", "hours": "2"},
        {"kind": "shadowing", "title": "T", "host": "x", "places": "0", "hours": "-1"},
        {"kind": "course", "title": "T", "host": "1", "places": "1", "hours": "2"},
        {
            "kind": "visit",
            "title": "T",
            "host": "1",
            "places": "1",
            "hours": "2",
            "starts_on": "2026-12-01",
            "ends_on": "2026-11-01",
        },
    ],
)
def test_bad_input_on_the_publish_form_is_a_message_never_a_500(client, line_manager, data):
    client.force_login(line_manager)
    response = client.post(reverse("programmes:opportunity_create"), data)
    assert response.status_code == 200
    assert Opportunity.objects.count() == 0


def test_bad_input_on_decide_and_confirm_redirects_with_a_message(
    client, opportunity, mentee, programme, line_manager, mentor
):
    request = asked(opportunity, mentee, programme)
    client.force_login(line_manager)
    response = client.post(reverse("programmes:opportunity_request_decide", args=[request.pk]), {"decision": "decline"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "requested"
    opportunity_request_decide(request=request, by=line_manager, approve=True)
    client.force_login(mentor)
    for data in ({"happened": "yes", "happened_on": "2026-13-45"}, {"happened": "yes"}, {"happened": "maybe"}):
        assert (
            client.post(reverse("programmes:opportunity_request_confirm", args=[request.pk]), data).status_code == 302
        )
    request.refresh_from_db()
    assert request.status == "approved"


def test_a_request_is_a_404_for_people_it_is_not_about(client, opportunity, mentee, programme, outsider, mentor):
    request = asked(opportunity, mentee, programme)
    client.force_login(outsider)
    assert client.get(reverse("programmes:opportunity_request_withdraw", args=[request.pk])).status_code == 404
    assert client.post(reverse("programmes:opportunity_request_decide", args=[request.pk])).status_code == 404
    assert client.post(reverse("programmes:opportunity_request_confirm", args=[request.pk])).status_code == 404


# --- Learning record, the team page, the export ----------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_the_learning_record_and_the_coordinators_view_show_what_was_taken_up(
    client, opportunity, mentee, mentor, programme, line_manager, coordinator
):
    request = asked(opportunity, mentee, programme)
    opportunity_request_decide(request=request, by=line_manager, approve=True)
    opportunity_request_confirm(request=request, by=mentor, happened=True, happened_on=TODAY.date())
    client.force_login(mentee)
    page = client.get(reverse("programmes:my_training")).content.decode()
    assert "My learning record" in page and "Shadow the support lead" in page
    client.force_login(coordinator)
    page = client.get(reverse("programmes:training_person", args=[programme.pk, mentee.pk])).content.decode()
    assert "Shadow the support lead" in page
    client.force_login(line_manager)
    page = client.get(reverse("programmes:team")).content.decode()
    assert "Mina Mentee: 1 opportunity, 4.0 h" in page, page[page.find("team-opportunities") :][:3000]


def connection_queries(client, name, **kwargs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 200
    return queries.captured_queries


def test_team_page_queries_do_not_grow_with_the_team(client, line_manager, mentor, programme):
    def count():
        return len(connection_queries(client, "programmes:team"))

    client.force_login(line_manager)
    report = PersonFactory(line_manager=line_manager)
    MembershipFactory(programme=programme, person=report, role=Role.MENTEE)
    asked(publish(line_manager, mentor, title="First"), report, programme)
    small = count()
    for i in range(10):
        report = PersonFactory(line_manager=line_manager)
        MembershipFactory(programme=programme, person=report, role=Role.MENTEE)
        asked(publish(line_manager, mentor, title=f"Offer {i}"), report, programme)
    assert count() == small


def test_my_data_export_includes_my_requests(client, opportunity, mentee, programme):
    asked(opportunity, mentee, programme)
    client.force_login(mentee)
    from evaluation.selectors.personal_data import personal_data_collect

    data = personal_data_collect(person=mentee)
    rows = next(value for key, value in _walk(data) if key == "learning_opportunity_requests")
    assert rows[0]["opportunity__title"] == "Shadow the support lead"


def _walk(data):
    if isinstance(data, dict):
        for key, value in data.items():
            yield key, value
            yield from _walk(value)


# --- The pair's workspace and matching ---------------------------------------------------------------------------


def mentee_wants(mentee, programme, *skills):
    application = Application.objects.filter(programme=programme, person=mentee).first() or ApplicationFactory(
        programme=programme, person=mentee, status="approved"
    )
    for skill in skills:
        ApplicationSkill.objects.create(application=application, skill=skill, level=1)
    return application


def test_the_workspace_suggests_fitting_opportunities_and_the_mentor_suggests_one(client, pairing, line_manager):
    skill = SkillFactory(name="Negotiation")
    mentee_wants(pairing.mentee, pairing.programme, skill)
    offer = publish(line_manager, PersonFactory(), title="Negotiation clinic")
    offer.skills.add(skill)
    publish(line_manager, PersonFactory(), title="Unrelated")
    client.force_login(pairing.mentor)
    page = client.get(reverse("mentoring:pairing_detail", args=[pairing.pk])).content.decode()
    assert "Negotiation clinic" in page and "Unrelated" not in page and "Suggest to" in page
    client.post(reverse("mentoring:pairing_opportunity_suggest", args=[pairing.pk, offer.pk]))
    assert Notification.objects.filter(person=pairing.mentee, text__contains="suggests").exists()
    client.force_login(pairing.mentee)
    page = client.get(reverse("mentoring:pairing_detail", args=[pairing.pk])).content.decode()
    assert "Your mentor suggests" in page
    suggestion = pairing.opportunity_suggestions.get()
    ask = reverse("programmes:opportunity_ask", args=[offer.pk])
    assert f"{ask}?suggestion={suggestion.pk}" in page
    client.post(ask, {"programme": pairing.programme_id, "suggestion": suggestion.pk})
    request = OpportunityRequest.objects.get(person=pairing.mentee)
    assert (request.suggested_by_mentor, request.pairing_id) == (True, pairing.pk)


def test_a_suggestion_id_of_someone_else_records_nothing(client, pairing, line_manager, mentee, programme):
    offer = publish(line_manager, PersonFactory())
    other = PairingFactory(programme=programme)
    suggestion = other.opportunity_suggestions.create(opportunity=offer, suggested_by=other.mentor)
    client.force_login(mentee)
    client.post(
        reverse("programmes:opportunity_ask", args=[offer.pk]), {"programme": programme.pk, "suggestion": suggestion.pk}
    )
    request = OpportunityRequest.objects.get(person=mentee)
    assert (request.suggested_by_mentor, request.pairing_id) == (False, None)


def test_only_the_mentor_suggests(client, pairing, line_manager):
    offer = publish(line_manager, PersonFactory())
    client.force_login(pairing.mentee)
    assert client.post(reverse("mentoring:pairing_opportunity_suggest", args=[pairing.pk, offer.pk])).status_code == 403
    assert not pairing.opportunity_suggestions.exists()


@pytest.mark.parametrize("count", [2, 20])
def test_pairing_page_queries_do_not_grow_with_opportunities(client, pairing, line_manager, count):
    skill = SkillFactory()
    mentee_wants(pairing.mentee, pairing.programme, skill)
    for i in range(count):
        offer = publish(line_manager, PersonFactory(), title=f"Offer {i}")
        offer.skills.add(skill)
        if i < 2:
            pairing.opportunity_suggestions.create(opportunity=offer, suggested_by=pairing.mentor)
    client.force_login(pairing.mentee)
    # The page's own queries, plus the panel's five: the mentee's skills, the suggestions and their skills, the
    # fitting opportunities and their skills.
    assert len(connection_queries(client, "mentoring:pairing_detail", pk=pairing.pk)) == PAIRING_QUERIES


PAIRING_QUERIES = 15


def test_the_matching_round_offers_opportunities_to_unmatched_mentees():
    from mentoring.selectors.opportunities import opportunities_for_unmatched

    programme = MembershipFactory(role=Role.MENTEE).programme
    people = [m.person for m in Membership.objects.filter(programme=programme)]
    skill = SkillFactory()
    manager = PersonFactory()
    for person in people:
        mentee_wants(person, programme, skill)
    for i in range(5):
        publish_as_coordinator(programme, manager, f"Offer {i}").skills.add(skill)
    found = opportunities_for_unmatched([p.pk for p in people], programme.pk)
    assert len(found[people[0].pk]) == 3


def publish_as_coordinator(programme, host, title):
    coordinator = MembershipFactory(programme=programme, role=Role.COORDINATOR).person
    return publish(coordinator, host, title=title)
