"""The sample people file in docs/samples fits the demo organisation: importing it over the demo changes a few
people, adds three and reports no error."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from demo.organisation import seed_organisation
from programmes.models import Person
from programmes.services.people_import import people_import_parse
from programmes.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_person(db) -> Person:
    """The importer: an administrator, so never flagged and never in the way of the counts."""
    return PersonFactory(email="hr-admin@example.org", display_name="Hana Admin", is_staff=True)


def test_the_sample_file_fits_the_demo_organisation(admin_person):
    seed_organisation()
    path = Path(__file__).resolve().parents[2] / "docs" / "samples" / "people.csv"
    preview = people_import_parse(upload=SimpleUploadedFile("people.csv", path.read_bytes()), by=admin_person)
    assert preview.summary["error"] == 0, [row["errors"] for row in preview.rows if row["errors"]]
    assert preview.summary["create"] == 3 and 8 <= preview.summary["rows"] <= 12
    assert preview.summary["update"] >= 1 and preview.summary["unchanged"] >= 1
