"""One-line fields never hold a line break, and an email that cannot be built is recorded for the administrators
(issue 13, point 19). A line break in a programme's name or a goal's title made every email whose subject
carried it fail in the worker (BadHeaderError), silently and without a retry."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.test import Client
from django.urls import reverse

from core.models import EmailFailure
from core.single_line import LINE_BREAKS, single_line

pytestmark = pytest.mark.django_db

BREAKS = ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x85"]
ONE_LINE_FIELDS = [  # every one-line field the issue names, and the people a subject or a greeting names
    "programmes.Programme.name",
    "programmes.Course.title",
    "mentoring.Goal.title",
    "evaluation.SurveyRound.title",
    "evaluation.Survey.title",
    "evaluation.Report.title",
    "programmes.Skill.name",
    "programmes.Spend.description",
    "programmes.BudgetLine.description",
    "programmes.Person.display_name",
    "programmes.Person.job_title",
    "programmes.OrgUnit.name",
]


def model_field(dotted: str):
    app, model, name = dotted.split(".")
    return apps.get_model(app, model)._meta.get_field(name)


@pytest.mark.parametrize("dotted", ONE_LINE_FIELDS)
@pytest.mark.parametrize("line_break", BREAKS)
def test_a_one_line_field_collapses_a_line_break_from_a_form_and_refuses_one_from_elsewhere(dotted, line_break):
    field = model_field(dotted)
    assert field.formfield().clean(f"Speak up{line_break}{line_break}in meetings") == "Speak up in meetings"
    with pytest.raises(ValidationError, match="one line"):
        field.run_validators(f"Speak up{line_break}in meetings")


def test_one_line_text_keeps_what_is_not_a_line_break():
    assert single_line("Zofia's  café\tplan") == "Zofia's  café\tplan"
    assert single_line(" Speak up\u2028") == "Speak up"


@pytest.mark.parametrize("line_break", ["\n", "\u2028", "\x85"])
def test_a_goal_title_with_a_line_break_is_saved_on_one_line(cast, line_break):
    """As a browser posts it, CSRF check on: the title is saved as one line (what the email subjects carry)."""
    from mentoring.models import Goal

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["mentee"])
    url = reverse("mentoring:goal_create", kwargs={"pk": cast["pairing"].pk})
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(url).content.decode()).group(1)
    title = f"Speak up{line_break}in meetings"
    form = {"csrfmiddlewaretoken": token, "title": title, "success": "", "target_on": "", "status": "not_started",
            "progress": "0", "rating_start": "", "rating_end": ""}  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Goal.objects.get().title == "Speak up in meetings"


def test_an_imported_name_with_a_line_break_is_read_as_one_line(department):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from programmes.services.people_import import people_import_apply, people_import_parse
    from programmes.tests.factories import PersonFactory

    admin_person = PersonFactory(email="hr-admin@example.org", display_name="Hana Admin", is_staff=True)
    text = 'email,name\ncat@example.org,"Cat\r\nCole"\ndan@example.org,"Dan\u2028Dale"\n'
    preview = people_import_parse(
        upload=SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv"), by=admin_person
    )
    people_import_apply(people_import=preview, by=admin_person)
    from programmes.models import Person

    names = set(
        Person.objects.filter(email__in=["cat@example.org", "dan@example.org"]).values_list("display_name", flat=True)
    )
    assert names == {"Cat Cole", "Dan Dale"}


# --- An email that cannot be built: recorded, shown to administrators, the others still sent -----------------


@pytest.fixture
def through_celery(settings):
    settings.EMAIL_BACKEND = "core.mail_backend.CeleryEmailBackend"
    settings.TANDEM_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_an_email_whose_subject_has_a_line_break_is_sent_with_a_one_line_subject(
    through_celery, django_capture_on_commit_callbacks
):
    """A title saved before one-line fields refused line breaks: the email still reaches the person."""
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("New goal: Speak up\nin meetings", "Body", None, ["mia@example.org"])
    assert [m.subject for m in mail.outbox] == ["New goal: Speak up in meetings"]
    assert not EmailFailure.objects.exists()


def test_an_email_that_cannot_be_built_is_recorded_as_failed_and_the_others_still_go(
    through_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mail.EmailMessage(
            "New goal", "Body", None, ["mia@example.org"], headers={"X-Goal": "Speak up\nBcc: x@y.z"}
        ).send()
        send_mail("New goal: Listen", "Body", None, ["mia@example.org"])
    assert [m.subject for m in mail.outbox] == ["New goal: Listen"]  # the other email still goes
    failure = EmailFailure.objects.get()
    assert (failure.subject, failure.recipients) == ("New goal", "mia@example.org")
    assert "BadHeaderError" in failure.error


def test_an_unbuildable_email_already_queued_is_recorded_by_the_worker_not_retried(through_celery):
    """A message queued before this change (or built another way) fails when the worker builds it."""
    from core.email import message_to_payload
    from core.tasks import send_email_message

    payload = message_to_payload(mail.EmailMessage("Welcome to\u2028Tandem\r\n", "Body", None, ["mia@example.org"]))
    payload["subject"] = "Welcome to\r\nTandem"
    send_email_message.delay(payload)  # eager in tests: an exception here would fail the test
    assert mail.outbox == []
    assert EmailFailure.objects.get().recipients == "mia@example.org"


def test_administrators_see_the_emails_that_could_not_be_sent(client, cast):
    EmailFailure.objects.create(subject="New goal: Speak up ⏎ in meetings", recipients="mia@example.org",
                                error="BadHeaderError: Header values can't contain newlines")  # fmt: skip
    client.force_login(cast["administrator"])
    page = client.get(reverse("admin:core_emailfailure_changelist"))
    assert page.status_code == 200
    assert "Speak up ⏎ in meetings" in page.content.decode()
    assert "emails that could not be sent" in client.get(reverse("admin:index")).content.decode().lower()
    client.force_login(cast["coordinator"])
    assert client.get(reverse("admin:core_emailfailure_changelist")).status_code == 302  # to the admin login


def one_line_inputs() -> list[tuple[str, str, object]]:
    """(form, field, form field) for every text field any of Tandem's forms renders as a one-line input."""
    import importlib
    import inspect
    import pkgutil

    from django import forms

    modules = []
    # Each app's forms/ package is walked module by module.
    for package in ("programmes.forms", "mentoring.forms", "evaluation.forms"):
        root = importlib.import_module(package)
        for info in pkgutil.iter_modules(root.__path__):
            modules.append(importlib.import_module(f"{package}.{info.name}"))
    modules.append(importlib.import_module("programmes.forms"))
    found = {}
    for module in modules:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, forms.BaseForm) or not cls.__module__.startswith(
                ("programmes", "mentoring", "evaluation")
            ):
                continue
            for name, field in cls.base_fields.items():
                widget = field.widget
                one_line = isinstance(widget, forms.TextInput | forms.EmailInput | forms.URLInput | forms.SearchInput)
                if isinstance(field, forms.CharField) and one_line and not isinstance(widget, forms.PasswordInput):
                    found[(cls.__qualname__, name)] = field
    return [(form, name, field) for (form, name), field in sorted(found.items())]


def test_every_one_line_input_of_every_form_takes_no_line_break():
    """Every CharField a form renders as a one-line input collapses a line break (or refuses the value)."""
    inputs = one_line_inputs()
    assert len(inputs) > 20, "the walk should find the forms' one-line inputs"
    kept = []
    for form, name, field in inputs:
        for line_break in BREAKS:
            try:
                cleaned = field.clean(f"Speak up{line_break}in meetings")
            except ValidationError:
                continue  # refused (an email field, a choice): no line break gets through
            if isinstance(cleaned, str) and LINE_BREAKS.search(cleaned):
                kept.append(f"{form}.{name} keeps {line_break!r}")
                break
    assert not kept, "\n".join(kept)
