"""Training evidence in an S3-compatible bucket (TANDEM_S3_BUCKET): a real S3 server on loopback (moto's server
mode, spoken to over HTTP by django-storages and boto3), the forms as a coordinator's browser submits them.

What a person or an operator would notice: the upload lands in the bucket, under the configured prefix; the owner
and their coordinator download the very bytes through Tandem, anyone else gets a 404; the object is not readable
without signing (the bucket is not public); replacing or removing the evidence, or erasing the person, removes
the object; two files of the same name are two objects, never one overwriting the other.
"""

from __future__ import annotations

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from config.env import env_s3_storage
from config.tests.html_forms import form_of
from config.tests.object_storage import Bucket, new_bucket, s3_server
from evaluation.services.personal_data import person_erase
from programmes.models import Role, TrainingRecord
from programmes.tests.factories import CourseFactory, ProgrammeRequirementFactory, evidence_image, evidence_pdf

pytestmark = pytest.mark.django_db
PDF = evidence_pdf()
PNG = evidence_image("PNG")
PREFIX = "tandem-test"


@pytest.fixture(scope="module")
def s3_endpoint():
    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch) -> Bucket:
    """A fresh private bucket, and Tandem's default storage pointed at it through the real settings helper."""
    bucket = new_bucket(s3_endpoint)
    for name, value in bucket.environment(prefix=PREFIX).items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": env_s3_storage()}
    return bucket


@pytest.fixture
def course(programme):
    course = CourseFactory(title="Mentor training")
    ProgrammeRequirementFactory(programme=programme, role=Role.MENTOR, course=course)
    ProgrammeRequirementFactory(programme=programme, role=Role.MENTEE, course=course)
    return course


def upload(client, coordinator, person, course, content: bytes, filename: str, record=None):
    """The coordinator records the course (or edits the record) through the page's form, with a file chosen."""
    client.force_login(coordinator)
    programme = coordinator.memberships.get(role=Role.COORDINATOR).programme_id
    if record is None:
        url = reverse("programmes:training_record_create", args=[programme, person.pk])
    else:
        url = reverse("programmes:training_record_edit", args=[programme, record.pk])
    form = form_of(client.get(url).content.decode(), action="")
    assert form.enctype == "multipart/form-data"
    data = form.data(course=str(course.pk), status="completed", completed_on=timezone.localdate().isoformat())
    data["evidence_file"] = SimpleUploadedFile(filename, content)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return TrainingRecord.objects.get(person=person, course=course)


def download(client, person, record) -> tuple[int, bytes]:
    client.force_login(person)
    response = client.get(reverse("programmes:training_evidence", args=[record.pk]))
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response.status_code, body


def test_evidence_uploaded_through_the_form_lands_in_the_private_bucket_and_only_tandem_serves_it(
    client, cast, course, bucket
):
    record = upload(client, cast["coordinator"], cast["mentee"], course, PDF, "certificate.pdf")

    key = f"{PREFIX}/{record.evidence_file.name}"
    assert bucket.keys() == [key]
    assert bucket.read(key) == PDF
    # Nobody reads it straight from the bucket: an unsigned request (a browser given the address) is refused.
    anonymous = requests.get(bucket.url(key), timeout=10)
    assert anonymous.status_code == 403 and anonymous.content != PDF

    assert download(client, cast["mentee"], record) == (200, PDF)  # the owner
    client.force_login(cast["mentee"])
    response = client.get(reverse("programmes:training_evidence", args=[record.pk]))
    assert response["Content-Type"] == "application/pdf" and response["Content-Disposition"].startswith("attachment;")
    assert download(client, cast["coordinator"], record) == (200, PDF)  # their programme's coordinator
    assert download(client, cast["outsider"], record)[0] == 404
    assert download(client, cast["mentor"], record)[0] == 404  # in the programme, but not theirs
    # The page that links the evidence says nothing of the bucket.
    client.force_login(cast["coordinator"])
    page = client.get(reverse("programmes:training_person", args=[cast["pairing"].programme_id, cast["mentee"].pk]))
    assert bucket.endpoint not in page.content.decode() and bucket.name not in page.content.decode()


def test_replacing_the_evidence_replaces_the_object_and_removing_it_deletes_it(
    client, cast, course, bucket, django_capture_on_commit_callbacks
):
    record = upload(client, cast["coordinator"], cast["mentor"], course, PDF, "certificate.pdf")
    first = f"{PREFIX}/{record.evidence_file.name}"

    with django_capture_on_commit_callbacks(execute=True):
        record = upload(client, cast["coordinator"], cast["mentor"], course, PNG, "scan.png", record=record)
    second = f"{PREFIX}/{record.evidence_file.name}"
    assert second != first and bucket.keys() == [second]
    assert bucket.read(second) == PNG
    assert download(client, cast["mentor"], record) == (200, PNG)

    client.force_login(cast["coordinator"])
    url = reverse("programmes:training_record_edit", args=[cast["pairing"].programme_id, record.pk])
    form = form_of(client.get(url).content.decode(), action="")
    with django_capture_on_commit_callbacks(execute=True):
        assert form.submit(client, url, tick={"remove_evidence=on"}).status_code == 302
    record.refresh_from_db()
    assert not record.evidence_file and bucket.keys() == []


def test_two_files_of_the_same_name_are_two_objects(client, cast, course, bucket):
    mine = upload(client, cast["coordinator"], cast["mentor"], course, PDF, "certificate.pdf")
    other_pdf = PDF.replace(b"Certificate of completion", b"Certificate of attendance")
    theirs = upload(client, cast["coordinator"], cast["mentee"], course, other_pdf, "certificate.pdf")
    # The same course in the same month makes the same file name; the second must not overwrite the first.
    assert mine.evidence_file.name != theirs.evidence_file.name and len(bucket.keys()) == 2
    assert download(client, cast["mentor"], mine) == (200, PDF)
    assert download(client, cast["mentee"], theirs) == (200, other_pdf)


def test_erasing_a_person_deletes_their_evidence_from_the_bucket_once_the_erasure_commits(
    client, cast, course, bucket, django_capture_on_commit_callbacks
):
    record = upload(client, cast["coordinator"], cast["mentee"], course, PDF, "certificate.pdf")
    key = f"{PREFIX}/{record.evidence_file.name}"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        person_erase(person=cast["mentee"], by=cast["administrator"])
    assert bucket.keys() == [key]  # not before the commit: a rolled-back erasure keeps the evidence
    for callback in callbacks:
        callback()
    assert bucket.keys() == []


def test_evidence_gone_from_the_bucket_is_a_404_not_an_error(client, cast, course, bucket):
    record = upload(client, cast["coordinator"], cast["mentee"], course, PDF, "certificate.pdf")
    bucket.client.delete_object(Bucket=bucket.name, Key=f"{PREFIX}/{record.evidence_file.name}")
    assert download(client, cast["mentee"], record)[0] == 404
