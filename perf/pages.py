"""The pages ``manage.py bench`` measures (perf.run): each page's address, who asks for it and what it expects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

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
        "Committee report, draft (live figures)",
        "coordinator",
        lambda org, r: reverse("evaluation:report_detail", args=[r["draft"].pk]),
    ),
    PageSpec(
        "report_committee",
        "Committee report, submitted (committee member)",
        "committee_member",
        lambda org, r: reverse("evaluation:report_detail", args=[r["submitted"].pk]),
    ),
    PageSpec(
        "report_pdf",
        "Report PDF (live figures)",
        "coordinator",
        lambda org, r: reverse("evaluation:report_pdf", args=[r["draft"].pk]),
        memory=True,
    ),
    PageSpec(
        "report_csv",
        "Report CSV (live figures)",
        "coordinator",
        lambda org, r: reverse("evaluation:report_csv", args=[r["draft"].pk]),
        memory=True,
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
