"""Everything a person wrote is in their own export, and nothing anyone else wrote (issue 14, point 14).

Every free-text field holds its own marker (evaluation.tests.planted); each person of the cast, and an
applicant, downloads their ZIP as a browser would, and finds exactly the markers they wrote or that were
written to them: their own words in every role, what their pair wrote together, the reasons given to them.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from .planted import plant

pytestmark = pytest.mark.django_db


def export_text(person) -> str:
    client = Client()
    client.force_login(person)
    response = client.get(reverse("evaluation:my_data_zip"))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return "\n".join(archive.read(name).decode() for name in archive.namelist() if not name.startswith("evidence/"))


@pytest.mark.parametrize("role", ["mentee", "mentor", "coordinator", "line_manager", "committee_member", "applicant"])
def test_my_export_holds_everything_i_wrote_and_nobody_elses_words(cast, role):
    planted = plant(cast)
    person = next(p.author for p in planted if p.where == "answer.applicant") if role == "applicant" else cast[role]
    text = export_text(person)
    mine = {p.where for p in planted if p.author == person or person in p.readers}
    assert mine  # every role wrote something
    missing = sorted(p.where for p in planted if p.where in mine and p.marker not in text)
    others = sorted(p.where for p in planted if p.where not in mine and p.marker in text)
    assert (missing, others) == ([], [])


def test_the_mentee_finds_the_request_message_and_the_agreement_in_their_export(cast):
    planted = {p.where: p.marker for p in plant(cast)}
    text = export_text(cast["mentee"])
    assert planted["request.message"] in text
    assert planted["agreement.arrangements"] in text
