"""Learning opportunities attacked (issue 20 review): a person confirming their own request by becoming its host,
and the requests of a person who has left the organisation."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from programmes.models import Opportunity, OpportunityRequest, Role
from programmes.services.leavers import person_deactivate
from programmes.services.opportunities import (
    opportunity_edit,
    opportunity_publish,
    opportunity_request,
    opportunity_request_confirm,
    opportunity_request_decide,
)
from programmes.tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)


@pytest.fixture
def opportunity(line_manager, mentor, mentee):
    data = {"kind": Opportunity.Kind.SHADOWING, "title": "Shadow the support lead", "host": mentor, "hours": 4}
    return opportunity_publish(by=line_manager, data={**data, "hours": Decimal("4")})


def _edit_data(opportunity, **changes):
    data = {key: getattr(opportunity, key) for key in ("kind", "title", "description", "host", "places", "hours")}
    data.update(changes)
    return data


@time_machine.travel(TODAY, tick=False)
def test_nobody_confirms_their_own_request_by_becoming_its_host(opportunity, mentee, programme, line_manager):
    request = opportunity_request(opportunity=opportunity, person=mentee, programme=programme)
    opportunity_request_decide(request=request, by=line_manager, approve=True)
    # The publisher cannot hand the hosting to someone with a request of their own open on it ...
    with pytest.raises(ValidationError, match="host"):
        opportunity_edit(opportunity=opportunity, by=line_manager, data=_edit_data(opportunity, host=mentee))
    # ... and were the host changed anyway (a raw update, the admin), the person still cannot confirm it.
    Opportunity.objects.filter(pk=opportunity.pk).update(host=mentee)
    with pytest.raises(ValidationError):
        opportunity_request_confirm(request=request, by=mentee, happened=True, happened_on=TODAY.date())
    assert OpportunityRequest.objects.get(pk=request.pk).status == OpportunityRequest.Status.APPROVED


@time_machine.travel(TODAY, tick=False)
def test_the_open_requests_of_someone_who_left_free_their_places(opportunity, mentee, programme, line_manager):
    other = PersonFactory(line_manager=line_manager)
    MembershipFactory(programme=programme, person=other, role=Role.MENTEE)
    request = opportunity_request(opportunity=opportunity, person=mentee, programme=programme)
    opportunity_request_decide(request=request, by=line_manager, approve=True)
    with pytest.raises(ValidationError, match="places"):
        opportunity_request(opportunity=opportunity, person=other, programme=programme)
    person_deactivate(person=mentee, by=None)
    assert OpportunityRequest.objects.get(pk=request.pk).status == OpportunityRequest.Status.WITHDRAWN
    assert opportunity_request(opportunity=opportunity, person=other, programme=programme).status == "requested"
    person_deactivate(person=mentee, by=None)  # leaving twice changes nothing


@pytest.mark.parametrize("suggestion", ["²", "٣", "1" * 30, "-1", " 7"])
def test_a_forged_suggestion_id_is_ignored_never_a_server_error(client, opportunity, mentee, programme, suggestion):
    # "²".isdigit() is true, yet int("²") fails: an id is ASCII digits or it is nobody's suggestion.
    client.raise_request_exception = False
    client.force_login(mentee)
    ask = reverse("programmes:opportunity_ask", args=[opportunity.pk])
    assert client.get(ask, {"suggestion": suggestion}).status_code == 200
    client.post(ask, {"programme": programme.pk, "suggestion": suggestion})
    request = OpportunityRequest.objects.get(person=mentee)
    assert (request.pairing_id, request.suggested_by_mentor) == (None, False)


@time_machine.travel(TODAY, tick=False)
def test_an_opportunity_whose_host_left_closes(opportunity, mentor, mentee, programme):
    person_deactivate(person=mentor, by=None)
    assert Opportunity.objects.get(pk=opportunity.pk).status == Opportunity.Status.CLOSED
    with pytest.raises(ValidationError, match="closed"):
        opportunity_request(opportunity=opportunity, person=mentee, programme=programme)
