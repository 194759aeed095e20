"""Reads of proposed pairings: who has not answered a proposal yet, a programme's proposals waiting for an
answer (the relationships page and the programme's overview), and the pair a coordinator proposes by hand."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from mentoring.models import Pairing
from mentoring.said import names_joined
from programmes.models import Membership, Person, Programme, Role

REMINDER_INTERVAL = datetime.timedelta(hours=24)  # a proposal's people are reminded once in this long at most


def waiting_on(pairing: Pairing) -> list[Person]:
    """Who has not yet accepted a proposed pairing (the mentor, the mentee, or both)."""
    people = []
    if pairing.mentor_accepted_at is None:
        people.append(pairing.mentor)
    if pairing.mentee_accepted_at is None:
        people.append(pairing.mentee)
    return people


@dataclass
class WaitingProposals:
    """A programme's proposed pairings, oldest first, each with ``waiting`` (who has not answered)."""

    count: int
    pairings: list[Pairing]

    @property
    def people(self) -> list[Person]:
        """Everyone the listed proposals wait for, each once, in the order they first appear."""
        return list(dict.fromkeys(p for pairing in self.pairings for p in pairing.waiting))

    @property
    def summary(self) -> str:
        """ "2 proposed, waiting for Zofia Nowak to accept" (the first few names, then how many more)."""
        names = [str(p) for p in self.people]
        if len(names) > 4:
            others = len(names) - 3
            names = [*names[:3], ngettext("%(count)s other", "%(count)s others", others) % {"count": others}]
        who = names_joined(names)
        if self.count > len(self.pairings):
            who = gettext("%(names)s and more") % {"names": who}
        if not names:
            return ngettext("%(count)s proposed", "%(count)s proposed", self.count) % {"count": self.count}
        return ngettext(
            "%(count)s proposed, waiting for %(who)s to accept",
            "%(count)s proposed, waiting for %(who)s to accept",
            self.count,
        ) % {"count": self.count, "who": who}


def proposed_pairings(programme: Programme | int) -> QuerySet[Pairing]:
    return (
        Pairing.objects.filter(programme=programme, status=Pairing.Status.PROPOSED)
        .select_related("mentor", "mentee")
        .order_by("created_at", "pk")
    )


def proposals_waiting(programme: Programme | int, *, limit: int = 50) -> WaitingProposals:
    """Two queries: the count, then the oldest ``limit`` proposals with both people."""
    count = proposed_pairings(programme).count()
    pairings = list(proposed_pairings(programme)[:limit])
    now = timezone.now()
    for pairing in pairings:
        pairing.waiting = waiting_on(pairing)
        pairing.waiting_names = names_joined([p.display_name for p in pairing.waiting])
        recent = pairing.reminded_at and now - pairing.reminded_at < REMINDER_INTERVAL
        pairing.remind_from = pairing.reminded_at + REMINDER_INTERVAL if recent else None
    return WaitingProposals(count, pairings)


def pair_to_propose(*, programme: Programme, mentor_id: int, mentee_id: int) -> dict[str, Person]:
    """The mentor and the mentee a coordinator chose, by role, when each is that in the programme: one query.
    Fewer than two entries when either is not."""
    return {
        m.role: m.person
        for m in Membership.objects.filter(
            programme=programme, role__in=(Role.MENTOR, Role.MENTEE), person_id__in=[mentor_id, mentee_id]
        ).select_related("person")
        if m.person_id == {Role.MENTOR: mentor_id, Role.MENTEE: mentee_id}[m.role]
    }
