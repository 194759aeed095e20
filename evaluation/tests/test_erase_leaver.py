"""Erasing a person's data deactivates them: like anyone who leaves (issue 13, point 13), their open applications
are withdrawn and the coordinators told, under the erased label only."""

from __future__ import annotations

import pytest

from evaluation.services.personal_data import person_erase
from programmes.models import Application, Notification, Role
from programmes.tests.factories import ApplicationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_erasing_someone_withdraws_their_open_applications_and_names_them_only_by_the_label(programme, coordinator):
    person = PersonFactory(display_name="Erin Erased", email="erin@example.org")
    application = ApplicationFactory(programme=programme, person=person, role=Role.MENTEE)
    person_erase(person=person, by=None)
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    [notice] = Notification.objects.filter(person=coordinator)
    assert notice.text.startswith(f"Former participant #{person.pk} has left the organisation (personal data erased)")
    assert "Erin" not in notice.text
