"""The demo's reports, as the committee downloads them, give nothing away to the attacker of
evaluation/tests/test_attacker.py: each CSV alone and every report of a programme read together."""

from __future__ import annotations

import csv
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from evaluation.models import Report
from evaluation.selectors.reporting import Period
from evaluation.tests.attacker import Published, attack, attack_together
from programmes.models import Person


@pytest.mark.django_db
def test_the_demo_reports_give_nothing_away(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    reports = list(Report.objects.exclude(status=Report.Status.DRAFT))
    assert reports
    client.force_login(Person.objects.get(email="committee@example.com"))
    held: dict[int, list[Published]] = {}
    for report in reports:
        response = client.get(reverse("evaluation:report_csv", args=[report.pk]))
        content = b"".join(response.streaming_content).decode()
        assert attack(content) == [], report.title
        assert list(csv.reader(io.StringIO(content)))[-1][3] == "Hidden figures"  # the footnote travels too
        period = Period(report.period_start, report.period_end)
        spans = [(p.start.isoformat(), p.end.isoformat()) for p in (period, period.previous)]
        held.setdefault(report.programme_id, []).append(Published(content, *spans))
    for together in held.values():  # and every report of a programme read together
        assert attack_together(together) == []
