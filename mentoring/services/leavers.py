"""People who leave and people who move, on the relationship side: the entries of ``programmes.hooks.PEOPLE_LEFT``
and ``PEOPLE_MOVED`` (registered in mentoring/apps.py), called by ``programmes.services.leavers``.

Someone who left: each current pairing of theirs pauses with the reason "left the organisation" and no resume date
(the daily sweep never resumes it; a coordinator resumes it once they are back, or ends it), with its pause history
as any pause; their proposed pairings, open mentor requests and draft-round proposals are withdrawn, and their
matching preferences deleted (their own rankings and wishes, and others' about them); the partner
left behind is told, and each programme's coordinators get one notice with names and counts. Nothing the pair
wrote is in any notice. Run twice, the second run finds nothing left to change.

Someone who moved (team or line manager): every current pairing whose management chain the move touches is checked
again against the chain rules (``mentoring.selectors.cohort.chain_rules``); one that now breaks a rule raises an
alert to the coordinators naming the rule and why. The pairing is kept: the coordinators decide.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext, ngettext_lazy

from mentoring.models import (
    Alert,
    MatchProposal,
    MatchRound,
    MenteeRanking,
    MentorRequest,
    MentorStance,
    Pairing,
    PairingPause,
)
from mentoring.said import names_joined, words
from mentoring.selectors.cohort import chain_rules
from mentoring.services.alerts import alert_raise
from mentoring.services.checkins import checkins_refresh
from mentoring.services.pairing import notify, pair_names
from mentoring.services.planning import planned_close_with_pairing
from programmes.models import Person, Programme
from programmes.services.audit import audit_record
from programmes.services.notifications import coordinators_of


@dataclass
class _Done:
    """What leaving changed in one programme, for its coordinators' one notice."""

    leavers: set[str] = field(default_factory=set)
    paused: int = 0
    proposals: int = 0
    requests: int = 0


# --- Leaving ------------------------------------------------------------------------------------------------


@transaction.atomic
def people_left(*, person_ids: Iterable[int], by: Person | None, reason: str) -> None:
    """These people have left: pause their pairings with ``reason``, withdraw their proposals, requests and
    draft-round proposals, tell the partners and the coordinators (see the module's docstring)."""
    ids = set(person_ids)
    if not ids:
        return
    today = timezone.localdate()
    done: dict[int, _Done] = defaultdict(_Done)
    pairings = (
        Pairing.objects.select_for_update(of=("self",))
        .filter(Q(mentor_id__in=ids) | Q(mentee_id__in=ids), status__in=(Pairing.Status.PROPOSED, *Pairing.CURRENT))
        .select_related("programme", "mentor", "mentee")
        .order_by("programme_id", "pk")
    )
    for pairing in pairings:
        leavers = [p for p in (pairing.mentor, pairing.mentee) if p.pk in ids]
        staying = [p for p in (pairing.mentor, pairing.mentee) if p.pk not in ids]
        summary = done[pairing.programme_id]
        summary.leavers.update(str(p) for p in leavers)
        if pairing.status == Pairing.Status.PROPOSED:
            _proposal_withdraw(pairing, by=by, today=today, leavers=leavers, staying=staying)
            summary.proposals += 1
        else:
            _pairing_pause(pairing, by=by, reason=reason, today=today, leavers=leavers, staying=staying)
            summary.paused += 1
    _requests_withdraw(ids, done)
    _draft_proposals_remove(ids)
    _preferences_remove(ids)
    _coordinators_tell(done)


def _preferences_remove(ids: set[int]) -> None:
    """Rankings and wishes by or about someone who left: they are never matched, and what was said about them is
    no one's business any more. (Others' ranks keep their numbers: a first choice stays a first choice.)"""
    MenteeRanking.objects.filter(Q(mentee_id__in=ids) | Q(mentor_id__in=ids)).delete()
    MentorStance.objects.filter(Q(mentee_id__in=ids) | Q(mentor_id__in=ids)).delete()


def _names(people: list[Person]) -> str:
    return names_joined([str(p) for p in people])


_names_lazy = lazy(_names, str)  # "Ana and Ben" in the language of whoever reads it
_listed = lazy(lambda items: ", ".join(str(item) for item in items if item), str)  # lazy words, with commas


def _pairing_pause(
    pairing: Pairing,
    *,
    by: Person | None,
    reason: str,
    today: datetime.date,
    leavers: list[Person],
    staying: list[Person],
) -> None:
    """Pause a current pairing for good measure: no resume date, so the daily sweep leaves it paused. One already
    paused keeps its open pause (the history holds one pause), but loses its resume date."""
    was_active = pairing.status == Pairing.Status.ACTIVE
    pairing.status, pairing.paused_reason, pairing.resume_on = Pairing.Status.PAUSED, reason, None
    pairing.full_clean()
    pairing.save(update_fields=["status", "paused_reason", "resume_on"])
    if not PairingPause.objects.filter(pairing=pairing, resumed_on__isnull=True).exists():
        PairingPause.objects.create(pairing=pairing, paused_on=today)
    if was_active:
        checkins_refresh(instances=[pairing])  # a paused pairing has no check-ins due
    # No meeting with someone who has left: every meeting to come leaves both calendars.
    planned_close_with_pairing(
        pairing=pairing,
        by=by,
        reason=ngettext("%(names)s has left the organisation.", "%(names)s have left the organisation.", len(leavers))
        % {"names": _names(leavers)},
    )
    audit_record(
        actor=by, action="pairing.status_changed", obj=pairing, summary=f"{pair_names(pairing)}: paused ({reason})."
    )
    notify(
        staying,
        text=words(
            ngettext_lazy(
                "Your mentoring pairing in %(programme)s is paused: %(names)s has left the organisation. Your history "
                "is kept.",
                "Your mentoring pairing in %(programme)s is paused: %(names)s have left the organisation. Your "
                "history is kept.",
                len(leavers),
            ),
            programme=pairing.programme.name,
            names=_names_lazy(leavers),
        ),
        url=pairing.get_absolute_url(),
        email_subject=words(gettext_noop("Your mentoring pairing is paused")),
    )


def _proposal_withdraw(
    pairing: Pairing, *, by: Person | None, today: datetime.date, leavers: list[Person], staying: list[Person]
) -> None:
    """A proposed pairing with someone who left will never start: it ends, never having run (reason "left")."""
    pairing.status, pairing.end_reason = Pairing.Status.ENDED_EARLY, Pairing.EndReason.LEFT
    pairing.ended_on, pairing.ended_by = today, by
    pairing.full_clean()
    pairing.save(update_fields=["status", "end_reason", "ended_on", "ended_by"])
    audit_record(
        actor=by,
        action="pairing.status_changed",
        obj=pairing,
        summary=f"{pair_names(pairing)}: proposal withdrawn (left the organisation).",
    )
    notify(
        staying,
        text=words(
            gettext_noop(
                "The proposed pairing with %(names)s in %(programme)s will not go ahead: they have left the "
                "organisation. The coordinators will look for another match."
            ),
            names=_names_lazy(leavers),
            programme=pairing.programme.name,
        ),
        url=pairing.get_absolute_url(),
    )


def _requests_withdraw(ids: set[int], done: dict[int, _Done]) -> None:
    """Open requests to or from someone who left close; whoever is left waiting hears why."""
    requests = list(
        MentorRequest.objects.open()
        .select_for_update(of=("self",))
        .filter(Q(mentor_id__in=ids) | Q(mentee_id__in=ids))
        .select_related("programme", "mentor", "mentee")
        .order_by("pk")
    )
    if not requests:
        return
    MentorRequest.objects.filter(pk__in=[r.pk for r in requests]).update(
        status=MentorRequest.Status.WITHDRAWN, decided_at=timezone.now()
    )
    for request in requests:
        summary = done[request.programme_id]
        summary.requests += 1
        if request.mentee_id in ids:
            summary.leavers.add(str(request.mentee))
            if request.mentor_id not in ids:
                notify(
                    [request.mentor],
                    text=words(
                        gettext_noop("%(mentee)s has left the organisation, so their request to you is closed."),
                        mentee=request.mentee,
                    ),
                    url=reverse("mentoring:requests"),
                )
        else:
            summary.leavers.add(str(request.mentor))
            notify(
                [request.mentee],
                text=words(
                    gettext_noop(
                        "%(mentor)s has left the organisation, so your request to them is closed. You can ask "
                        "another of your suggestions."
                    ),
                    mentor=request.mentor,
                ),
                url=reverse("mentoring:suggestions", args=[request.programme_id]),
            )


def _draft_proposals_remove(ids: set[int]) -> None:
    """A draft round never proposes someone who left: their proposals are removed (the mentee left without a
    mentor joins the unmatched with the reason), and a mentee who left leaves the unmatched list."""
    theirs = Q(mentor_id__in=ids) | Q(mentee_id__in=ids)
    round_ids = set(
        MatchProposal.objects.filter(theirs, round__status=MatchRound.Status.DRAFT, removed=False).values_list(
            "round_id", flat=True
        )
    )
    # And the drafts where a leaver is only on the unmatched list (a JSON list; at most one draft per programme).
    round_ids |= {
        pk
        for pk, unmatched in MatchRound.objects.filter(status=MatchRound.Status.DRAFT).values_list("pk", "unmatched")
        if any(isinstance(u, dict) and u.get("mentee") in ids for u in unmatched or [])
    }
    # The round's own row, FOR NO KEY UPDATE, as every change to a draft takes it (matching._draft_locked).
    rounds = MatchRound.objects.select_for_update(of=("self",), no_key=True).filter(
        pk__in=round_ids, status=MatchRound.Status.DRAFT
    )
    for match_round in rounds.order_by("pk"):
        gone = list(match_round.proposals.filter(theirs, removed=False).select_related("mentor", "mentee"))
        MatchProposal.objects.filter(pk__in=[p.pk for p in gone]).update(removed=True)
        unmatched = [u for u in match_round.unmatched if u.get("mentee") not in ids]
        unmatched += [
            {
                "mentee": p.mentee_id,
                "name": str(p.mentee),
                "reason": _("%(mentor)s has left the organisation") % {"mentor": p.mentor},
            }
            for p in gone
            if p.mentee_id not in ids
        ]
        match_round.unmatched = unmatched
        match_round.total_score = sum(match_round.proposals.filter(removed=False).values_list("score", flat=True))
        match_round.save(update_fields=["unmatched", "total_score"])


def _counted(n: int, one: str, many: str) -> str:
    return words(ngettext_lazy(one, many, n), count=n)


# The counts in a coordinator's notice (rendered by ``_counted`` in the reader's language), for the catalogue.
_COUNTED = (
    ngettext_lazy("%(count)s pairing paused", "%(count)s pairings paused", 1),
    ngettext_lazy("%(count)s proposal withdrawn", "%(count)s proposals withdrawn", 1),
    ngettext_lazy("%(count)s mentor request withdrawn", "%(count)s mentor requests withdrawn", 1),
)


def _coordinators_tell(done: dict[int, _Done]) -> None:
    """One notice per programme: who left and what it changed there, in counts (no words of the pairs)."""
    programmes = Programme.objects.in_bulk(list(done))
    for programme_id, summary in sorted(done.items()):
        programme = programmes[programme_id]
        changes = [
            _counted(summary.paused, "%(count)s pairing paused", "%(count)s pairings paused") if summary.paused else "",
            _counted(summary.proposals, "%(count)s proposal withdrawn", "%(count)s proposals withdrawn")
            if summary.proposals
            else "",
            _counted(summary.requests, "%(count)s mentor request withdrawn", "%(count)s mentor requests withdrawn")
            if summary.requests
            else "",
        ]
        names = sorted(summary.leavers)
        text = words(
            ngettext_lazy(
                "%(names)s has left the organisation: in %(programme)s, %(changes)s. A paused pairing stays paused "
                "until you resume or end it.",
                "%(names)s have left the organisation: in %(programme)s, %(changes)s. A paused pairing stays paused "
                "until you resume or end it.",
                len(names),
            ),
            names=_names_lazy(names),
            programme=programme.name,
            changes=_listed(changes),
        )
        notify(
            coordinators_of(programme),
            text=text,
            url=reverse("mentoring:relationships", args=[programme.pk]),
            email_subject=words(gettext_noop("People who left: %(programme)s"), programme=programme.name),
        )


# --- Moving -------------------------------------------------------------------------------------------------

RULE_WORDS = {
    "chain": gettext_noop("a mentor is never in their mentee's management chain"),
    "reports": gettext_noop("a mentee is never in their mentor's management chain"),
}


def _chain_of(managers: dict[int, int]) -> Callable[[int], list[int]]:
    cache: dict[int, list[int]] = {}

    def chain_of(person_id: int) -> list[int]:
        if person_id not in cache:
            chain, seen, boss = [], {person_id}, managers.get(person_id)
            while boss is not None and boss not in seen:
                chain.append(boss)
                seen.add(boss)
                boss = managers.get(boss)
            cache[person_id] = chain
        return cache[person_id]

    return chain_of


def _below(person_ids: set[int], managers: dict[int, int]) -> set[int]:
    """These people and everyone who reports to them, however far down: a move changes all their chains."""
    reports: dict[int, list[int]] = defaultdict(list)
    for person, manager in managers.items():
        reports[manager].append(person)
    found, todo = set(person_ids), list(person_ids)
    while todo:
        for report in reports[todo.pop()]:
            if report not in found:
                found.add(report)
                todo.append(report)
    return found


@transaction.atomic
def people_moved_check(*, person_ids: Iterable[int], by: Person | None) -> list[Alert]:
    """Check again the current pairings whose management chains these moves touched; raise an alert (kind
    "rule", high) on each that now breaks a chain rule, naming the rule and why. Three queries, then one write per
    alert; an alert still open on the pairing is not raised twice. Returns the alerts raised."""
    managers = dict(Person.objects.filter(line_manager__isnull=False).values_list("pk", "line_manager_id"))
    touched = _below(set(person_ids), managers)
    chain_of = _chain_of(managers)
    pairings = (
        Pairing.objects.current()
        .filter(Q(mentor_id__in=touched) | Q(mentee_id__in=touched))
        .select_related("programme", "mentor", "mentee")
        .order_by("pk")
    )
    raised = []
    for pairing in pairings:
        broken = chain_rules(chain_of, pairing.mentor_id, pairing.mentee_id, str(pairing.mentor), str(pairing.mentee))
        if not broken:
            continue
        rules = "; ".join(_(RULE_WORDS[b.rule]) if b.rule in RULE_WORDS else b.rule for b in broken)
        reason = _(
            "Since a change of line manager or team, this pairing breaks the rule that %(rules)s: %(details)s The "
            "pairing is kept; decide whether it continues."
        ) % {"rules": rules, "details": " ".join(b.text for b in broken)}
        if alert := alert_raise(pairing=pairing, kind=Alert.Kind.RULE, reason=reason, severity=Alert.Severity.HIGH):
            raised.append(alert)
    return raised
