"""Issue 18 in the programmes app: a person's language is saved on their account page and followed by the next
page; what programmes sends a person (notices, emails, security notices) is in that person's language, one
recipient at a time; amounts of money are written as the reader's language writes numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from programmes.models import Notification, Programme, Role, Skill
from programmes.services import enrolment as enrolment_services
from programmes.services.admin_changes import membership_record_admin_change
from programmes.services.credentials import person_notify_credentials_changed
from programmes.services.enrolment import SkillChoice
from programmes.templatetags.money import money_format
from programmes.tests.factories import BudgetLineFactory, MembershipFactory, PersonFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


# --- The account page ----------------------------------------------------------------------------------------


def test_the_account_page_is_about_language_and_email(client, mentee):
    client.force_login(mentee)
    page = client.get(reverse("programmes:email_preferences")).content.decode()
    assert "<title>Language and email" in page and '<h1 class="h4">Language and email</h1>' in page
    assert 'name="language"' in page


def test_a_language_saved_on_the_account_page_is_the_language_of_the_next_page(client, mentee):
    client.force_login(mentee)
    response = client.post(
        reverse("programmes:email_preferences"), {"language": "de", "email_updates": "on"}, follow=True
    )
    mentee.refresh_from_db()
    assert mentee.language == "de"
    page = response.content.decode()
    assert "Sprache und E-Mail" in page  # the page's heading, in German
    assert "Ihre Einstellungen sind gespeichert." in page  # the message too
    # And it stays: the pages after it, in the same session, are German as well.
    assert "Sprache und E-Mail" in client.get(reverse("programmes:email_preferences")).content.decode()


def test_the_browser_language_is_chosen_by_leaving_the_language_empty(client, mentee):
    mentee.language = "de"
    mentee.save(update_fields=["language"])
    client.force_login(mentee)
    client.post(reverse("programmes:email_preferences"), {"language": ""})
    mentee.refresh_from_db()
    assert mentee.language == ""


# --- What is sent to a person ---------------------------------------------------------------------------------


@pytest.fixture
def recruiting(coordinator):
    programme = ProgrammeFactory(name="New Leaders", status=Programme.Status.RECRUITING)
    MembershipFactory(programme=programme, person=coordinator, role=Role.COORDINATOR)
    return programme


def _apply(programme, person):
    skill = Skill.objects.get_or_create(name="Public speaking")[0]
    return enrolment_services.application_submit(
        programme=programme,
        person=person,
        role=Role.MENTEE,
        goals="Lead my first team.",
        meeting_mode="either",
        availability=["mon-am"],
        languages=["English"],
        skills=[SkillChoice(skill=skill, level=2)],
        capacity=None,
    )


def test_an_application_notice_is_in_each_recipients_language(recruiting, line_manager, coordinator):
    line_manager.language = "de"
    line_manager.save(update_fields=["language"])
    applicant = PersonFactory(display_name="Ana Applicant", line_manager=line_manager, language="es")
    with translation.override("en-gb"):  # whoever sends it, each recipient reads their own language
        _apply(recruiting, applicant)
    to_manager = next(m for m in mail.outbox if m.to == [line_manager.email])
    assert to_manager.subject == "Ana Applicant bittet um Ihre Befürwortung"
    assert to_manager.body.startswith(f"Hallo {line_manager.get_short_name()},")
    assert "freigestellte Zeit" in to_manager.body
    assert Notification.objects.get(person=line_manager).text.startswith("Ana Applicant hat sich für New Leaders")
    # German writes the role, a noun, with a capital; English lowers it inside the sentence.
    assert "als Mentee beworben" in Notification.objects.get(person=line_manager).text
    to_applicant = next(m for m in mail.outbox if m.to == [applicant.email])
    assert to_applicant.subject == "Tu solicitud para New Leaders"
    # The coordinator chose no language: the installation's.
    assert Notification.objects.get(person=coordinator).text.startswith("New application: Ana Applicant")
    assert Notification.objects.get(person=coordinator).text.endswith("as a mentee.")


def test_a_decision_told_to_a_german_applicant_is_german(recruiting, coordinator):
    applicant = PersonFactory(display_name="Jonas Bewerber", language="de")
    application = _apply(recruiting, applicant)
    mail.outbox.clear()
    enrolment_services.application_decide(application=application, by=coordinator, decision="approve", reason="")
    [message] = [m for m in mail.outbox if m.to == [applicant.email]]
    assert message.subject == "Ihre Bewerbung für New Leaders wurde angenommen"


def test_a_security_notice_to_a_german_person_is_german(django_capture_on_commit_callbacks):
    person = PersonFactory(language="de")
    with django_capture_on_commit_callbacks(execute=True):
        person_notify_credentials_changed(person=person, what="password")
    [message] = mail.outbox
    assert message.subject == "Ihr Tandem-Passwort wurde geändert"
    assert "Passwort vergessen?" in message.body


def test_an_administrators_change_is_told_in_the_persons_language(administrator, django_capture_on_commit_callbacks):
    person = PersonFactory(language="es")
    membership = MembershipFactory(person=person, role=Role.COMMITTEE)
    with django_capture_on_commit_callbacks(execute=True), translation.override("de"):
        membership_record_admin_change(actor=administrator, membership=membership, change="added")
    [message] = mail.outbox
    assert message.subject == "Tus roles en Tandem han cambiado"
    assert Notification.objects.get(person=person).text.startswith("Un administrador te ha dado el rol")


# --- Money ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "written"),
    [("en-gb", "1,234.50 EUR"), ("de", "1.234,50 EUR"), ("es", "1\xa0234,50 EUR")],
)
def test_amounts_are_written_as_the_language_writes_numbers(language, written):
    with translation.override(language):
        assert money_format(Decimal("1234.5"), "EUR") == written


def test_the_budget_page_in_german_writes_german_amounts(client, coordinator, programme):
    BudgetLineFactory(programme=programme, currency="EUR", planned_amount=Decimal("1234.5"))
    coordinator.language = "de"
    coordinator.save(update_fields=["language"])
    client.force_login(coordinator)
    page = client.get(reverse("programmes:budget", args=[programme.pk]), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "1.234,50 EUR" in page and "Budgetposten" in page


@pytest.mark.parametrize(
    ("language", "written"), [("de", "Ausschussmitglied"), ("es", "miembro del comité"), ("en-gb", "committee member")]
)
def test_a_role_inside_a_sentence_keeps_the_capital_german_gives_nouns(language, written):
    from core.i18n import noun_in_sentence

    with translation.override(language):
        assert noun_in_sentence(Role.COMMITTEE.label) == written
