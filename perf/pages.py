"""The pages ``manage.py bench`` measures (perf.run): each page's address, who asks for it and what it expects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F
from django.urls import reverse

from mentoring.models import MentoringSession
from perf.data import Org


@dataclass(frozen=True)
class PageSpec:
    key: str
    label: str
    who: str  # "coordinator", "committee_member" or "mentee"
    url: Callable[[Org, dict], str]
    method: str = "GET"
    expect: int = 200
    memory: bool = False
    bare_sql: bool = False
    before: Callable[[Org], None] | None = None  # run before each request, outside the timer


def a_change(org: Org) -> None:
    """A write to the measured programme that changes no figure: a draft's kept figures may no longer be shown
    (the database logs the write), so the next view works every figure out again, as after any real change."""
    first = MentoringSession.objects.filter(pairing__programme=org.measured).order_by("pk").values("pk")[:1]
    MentoringSession.objects.filter(pk__in=first).update(duration_minutes=F("duration_minutes"))


def session_post(org: Org) -> dict[str, str]:
    return {
        "held_on": org.today.isoformat(),
        "duration_minutes": "60",
        "mode": "video",
        "summary": "Benchmark session: what we talked about.",
        "private_note": "A private note, encrypted like any other.",
        "duplicate_ok": "on",  # the pair meets again the same day on every run
    }


PAGES = [
    PageSpec(
        "dashboard",
        "Coordinator dashboard (this month)",
        "coordinator",
        lambda org, r: reverse("evaluation:dashboard", args=[org.measured.pk]),
        bare_sql=True,
    ),
    PageSpec(
        "dashboard_quarter",
        "Coordinator dashboard (last 3 months, one department)",
        "coordinator",
        lambda org, r: (
            reverse("evaluation:dashboard", args=[org.measured.pk]) + f"?period=3months&team={org.departments[0].pk}"
        ),
    ),
    PageSpec(
        "overview", "All my programmes (dashboard)", "coordinator", lambda org, r: reverse("evaluation:dashboard_all")
    ),
    PageSpec(
        "pairing_list",
        "Pairing list (Relationships)",
        "coordinator",
        lambda org, r: reverse("mentoring:relationships", args=[org.measured.pk]),
    ),
    PageSpec(
        "participant_list",
        "Participant list (People)",
        "coordinator",
        lambda org, r: reverse("programmes:members", args=[org.measured.pk]),
    ),
    PageSpec(
        "report_draft",
        "Committee report, draft (figures kept)",
        "coordinator",
        lambda org, r: reverse("evaluation:report_detail", args=[r["draft"].pk]),
    ),
    PageSpec(
        "report_draft_changed",
        "Committee report, draft, after a change",
        "coordinator",
        lambda org, r: reverse("evaluation:report_detail", args=[r["draft"].pk]),
        before=a_change,
    ),
    PageSpec(
        "report_committee",
        "Committee report, submitted (committee member)",
        "committee_member",
        lambda org, r: reverse("evaluation:report_detail", args=[r["submitted"].pk]),
    ),
    PageSpec(
        "report_pdf",
        "Report PDF, draft, after a change",
        "coordinator",
        lambda org, r: reverse("evaluation:report_pdf", args=[r["draft"].pk]),
        memory=True,
        before=a_change,
    ),
    PageSpec(
        "report_csv",
        "Report CSV, draft, after a change",
        "coordinator",
        lambda org, r: reverse("evaluation:report_csv", args=[r["draft"].pk]),
        memory=True,
        before=a_change,
    ),
    PageSpec(
        "time_page",
        "Protected time (Time tab)",
        "coordinator",
        lambda org, r: reverse("programmes:time", args=[org.measured.pk]),
    ),
    PageSpec(
        "workspace",
        "Pair workspace (mentee)",
        "mentee",
        lambda org, r: reverse("mentoring:pairing_detail", args=[org.pair.pk]),
    ),
    PageSpec(
        "session_post",
        "Logging a session (POST)",
        "mentee",
        lambda org, r: reverse("mentoring:session_create", args=[org.pair.pk]),
        method="POST",
        expect=302,
    ),
]
