"""``manage.py benchmark_matching``: a whole matching round timed on made-up people, and nothing kept."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from mentoring.models import MatchRound
from programmes.models import Programme

pytestmark = pytest.mark.django_db


def test_the_benchmark_command_times_a_round_and_keeps_nothing(db):
    before = (Programme.objects.count(), MatchRound.objects.count())
    out = io.StringIO()
    call_command("benchmark_matching", "--mentees", "6", "--mentors", "3", "--check", stdout=out)
    assert "Cohort: 6 mentees, 3 mentors" in out.getvalue()
    assert "Whole round (load, score, assign, store):" in out.getvalue()
    assert (Programme.objects.count(), MatchRound.objects.count()) == before
