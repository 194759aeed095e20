"""The learning-environment audit's items, the organisation's to edit in versions (issue 20, point 3): a round
keeps the exact items it was sent with; new rounds use the newest version; version 1 is the nine items every
earlier round was sent with, version 2 adds Fuller and Unwin's further expansive features; an existing
installation migrates without any round changing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from evaluation.forms.surveys import AuditItemForm
from evaluation.models import Question, Survey, SurveyRound
from evaluation.selectors import surveys as survey_selectors
from evaluation.services import audit, surveys
from evaluation.services.surveys import AUDIT_DEFAULTS
from evaluation.tests.test_surveys import TODAY, answer_all, on, participants, send
from programmes.models import Role
from programmes.tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db

AUDIT = Survey.Kind.LEARNING_ENVIRONMENT
NEW_DIMENSIONS = {"transition", "boundaries", "progression", "curriculum", "facilitation"}


def sent_audit(programme, coordinator) -> SurveyRound:
    """An audit round answered by six mentors of one team (enough for its results)."""
    participants(programme, 6, team=OrgUnitFactory(name="Warehouse"), role=Role.MENTOR)
    with on(TODAY):
        survey_round = send(audit.audit_current(), programme, coordinator, audience="mentors")
        for invitation in survey_round.invitations.all():
            answer_all(invitation, likert=4)
    return survey_round


def texts(survey: Survey) -> list[str]:
    return list(survey.questions.order_by("position", "pk").values_list("text", flat=True))


def test_version_1_is_the_nine_items_and_version_2_adds_fuller_and_unwins_features():
    current = audit.audit_current()
    first = Survey.objects.get(programme__isnull=True, kind=AUDIT, version=1)
    assert current.version == 2
    assert texts(first) == [i.text for i in AUDIT_DEFAULTS[1]] and first.questions.exclude(dimension="").count() == 9
    dimensions = set(current.questions.exclude(dimension="").values_list("dimension", flat=True))
    assert dimensions >= NEW_DIMENSIONS and dimensions == {d for d in Question.Dimension.values if d}
    assert texts(current)[:9] == texts(first)[:9]  # the nine stay word for word: their means stay comparable
    assert current.questions.order_by("position").last().kind == Question.Kind.TEXT  # the open question last
    with translation.override("es"):
        assert str(Question.Dimension.BOUNDARIES.label) == "Aprender más allá de los límites"


def test_a_sent_rounds_questions_and_results_do_not_change_when_the_items_are_edited(programme, coordinator):
    survey_round = sent_audit(programme, coordinator)
    version = survey_round.survey
    before = survey_selectors.round_results(survey_round)
    item = version.questions.get(position=0)
    edited = audit.audit_item_update(
        question=item, by=coordinator, text="We learn with other teams.", dimension="boundaries", translations={}
    )
    survey_round.refresh_from_db()
    assert survey_round.survey_id == version.pk and edited.survey_id != version.pk
    assert edited.survey.version == version.version + 1
    item.refresh_from_db()
    assert (item.text, item.dimension) == (AUDIT_DEFAULTS[2][0].text, "communities")
    after = survey_selectors.round_results(survey_round)
    assert [(r.question.text, r.mean) for r in after.questions] == [(r.question.text, r.mean) for r in before.questions]
    assert [[c.mean for c in row.cells] for row in after.heatmap.rows] == [
        [c.mean for c in row.cells] for row in before.heatmap.rows
    ]
    # Further edits change the new version in place until a round uses it.
    audit.audit_item_retire(question=edited.survey.questions.get(position=1), by=coordinator)
    assert Survey.objects.filter(kind=AUDIT).count() == 3 and edited.survey.questions.count() == 18


def test_a_new_round_uses_the_newest_version_whichever_version_it_was_sent_from(programme, coordinator):
    first = Survey.objects.filter(kind=AUDIT)  # made on demand
    audit.audit_current()
    oldest = first.get(version=1)
    participants(programme, 5, role=Role.MENTOR)
    with on(TODAY):
        survey_round = send(oldest, programme, coordinator, audience="mentors")
    assert survey_round.survey == audit.audit_current() and survey_round.survey.version == 2


def test_saving_an_item_unchanged_or_moving_past_the_end_makes_no_new_version(programme, coordinator):
    sent_audit(programme, coordinator)  # version 2 is now locked
    current = audit.audit_current()
    item = current.questions.get(position=0)
    audit.audit_item_update(
        question=item, by=coordinator, text=item.text, dimension=item.dimension, translations=item.translations
    )
    audit.audit_item_move(question=item, by=coordinator, direction="up")
    assert audit.audit_current().pk == current.pk
    moved = audit.audit_item_move(question=item, by=coordinator, direction="down")
    assert moved.survey.version == 3 and moved.position == 1 and moved.text == item.text


def test_adding_an_item_needs_a_dimension_and_keeps_the_open_question_last(coordinator):
    with pytest.raises(ValidationError) as exc:
        audit.audit_item_create(by=coordinator, text="We learn from mistakes.", dimension="")
    assert "dimension" in exc.value.message_dict
    with pytest.raises(ValidationError):
        audit.audit_item_create(by=coordinator, text="We learn from mistakes.", dimension="no_such_dimension")
    form = AuditItemForm({"text": "We learn from mistakes.", "dimension": "made_up"})
    assert not form.is_valid() and "dimension" in form.errors
    added = audit.audit_item_create(
        by=coordinator,
        text="We learn from mistakes.",
        dimension="co_construction",
        translations={"de": "Wir lernen aus Fehlern.", "xx": "ignored"},
    )
    questions = list(added.survey.questions.order_by("position"))
    assert questions[-2] == added and questions[-1].kind == Question.Kind.TEXT
    assert added.translations == {"de": "Wir lernen aus Fehlern."} and added.text_in("de") == "Wir lernen aus Fehlern."


def test_reset_to_the_default_makes_the_shipped_items_the_newest_again(programme, coordinator):
    sent_audit(programme, coordinator)
    item = audit.audit_current().questions.get(position=0)
    audit.audit_item_update(question=item, by=coordinator, text="Changed.", dimension="communities")
    assert not audit.audit_is_default(audit.audit_current())
    reset = audit.audit_reset(by=coordinator)
    assert reset == audit.audit_current() and reset.version == 3  # the edited version 3 had no round: reset in place
    assert audit.audit_is_default(reset) and texts(reset) == [i.text for i in AUDIT_DEFAULTS[2]]
    assert reset.questions.get(position=0).translations.keys() == {"de", "es"}


def test_the_items_page_is_for_coordinators_and_staff_and_edits_through_the_form(client, cast):
    current = audit.audit_current()
    item = current.questions.get(position=0)
    client.force_login(cast["mentor"])
    assert client.get(reverse("evaluation:audit_items")).status_code == 403
    client.force_login(cast["coordinator"])
    page = client.get(reverse("evaluation:audit_items")).content.decode()
    assert "Learning across boundaries" in page and "version 2" in page
    url = reverse("evaluation:audit_item_edit", args=[item.pk])
    response = client.post(url, {"text": "Reworded.", "dimension": "communities", "text_de": "Neu.", "text_es": ""})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.text, item.translations) == ("Reworded.", {"de": "Neu."})  # no round yet: edited in place
    oldest = Survey.objects.get(kind=AUDIT, version=1).questions.first()
    assert client.get(reverse("evaluation:audit_item_edit", args=[oldest.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_an_existing_installation_migrates_without_changing_its_rounds(programme, coordinator):
    """Before the items had versions: one built-in audit (the nine items) and a round sent with it. After the
    migration it is version 1, the round still points at it with the same questions, and version 2 is made for new
    rounds."""
    old = Survey.objects.create(
        kind=AUDIT, title="Learning-environment audit", anonymous=True, description="About your own team."
    )
    Question.objects.bulk_create(surveys.builtin_questions(old, AUDIT_DEFAULTS[1]))
    survey_round = SurveyRound.objects.create(  # as the code before versions sent it
        survey=old, programme=programme, title="Audit", status="closed", opens_on=TODAY, closes_on=TODAY
    )
    before = texts(old)
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([("evaluation", "0004_question_translations")])
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    old.refresh_from_db()
    survey_round.refresh_from_db()
    assert old.version == 1 and survey_round.survey_id == old.pk and texts(old) == before
    current = audit.audit_current()
    assert current.version == 2 and current.pk != old.pk
    survey_round.refresh_from_db()
    assert survey_round.survey_id == old.pk


@pytest.mark.parametrize("added", [0, 20])
def test_the_items_page_runs_the_same_queries_with_the_default_items_and_with_many_more(
    client, cast, added, django_assert_num_queries
):
    for i in range(added):
        audit.audit_item_create(
            by=cast["coordinator"], text=f"Item {i}.", dimension="communities", translations={"de": f"Punkt {i}."}
        )
    client.force_login(cast["coordinator"])
    client.get(reverse("evaluation:audit_items"))
    # The same budget as the permission matrix's (config/tests/test_permission_matrix.py, evaluation:audit_items).
    with django_assert_num_queries(9):
        page = client.get(reverse("evaluation:audit_items")).content.decode()
    assert (f"Item {added - 1}." in page) == bool(added)
