"""A match score's parts in words (``mentoring.selectors.scoring.score_parts`` puts them together): each one kept
as data (``mentoring.said``) and put into words when read, in the reader's language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_noop, ngettext_lazy

from mentoring.said import said, said_list, said_plural
from programmes.models import MeetingMode

if TYPE_CHECKING:
    from mentoring.selectors.scoring import Profile, Weights


class Readiness:
    READY = "ready"
    OVERRIDDEN = "overridden"
    NOT_READY = "not_ready"


NUMBER_WORDS = (
    gettext_noop("no"),
    gettext_noop("one"),
    gettext_noop("two"),
    gettext_noop("three"),
    gettext_noop("four"),
    gettext_noop("five"),
    gettext_noop("six"),
    gettext_noop("seven"),
    gettext_noop("eight"),
    gettext_noop("nine"),
    gettext_noop("ten"),
)
# How a meeting mode reads inside a sentence ("mentor: in person").
MODE_WORDS = {
    MeetingMode.IN_PERSON: gettext_noop("in person"),
    MeetingMode.VIDEO: gettext_noop("video call"),
    MeetingMode.EITHER: gettext_noop("either"),
}


# Most mentors a mentee may rank (MatchSettings.max_ranked's largest value).
MAX_RANKED = 10
ORDINALS = (
    gettext_noop("1st"),
    gettext_noop("2nd"),
    gettext_noop("3rd"),
    gettext_noop("4th"),
    gettext_noop("5th"),
    gettext_noop("6th"),
    gettext_noop("7th"),
    gettext_noop("8th"),
    gettext_noop("9th"),
    gettext_noop("10th"),
)


# --- The same parts in words -----------------------------------------------------------------------------------


# Plural messages rendered later by mentoring.said (listed here so that the catalogue has them).
_PLURALS = (
    ngettext_lazy("%(count)s common time slot", "%(count)s common time slots", 1),
    ngettext_lazy("experience gap of %(gap)s grade", "experience gap of %(gap)s grades", 1),
    ngettext_lazy(
        "experience gap of %(gap)s grade (preferred %(low)s–%(high)s)",
        "experience gap of %(gap)s grades (preferred %(low)s–%(high)s)",
        1,
    ),
    ngettext_lazy("shared language: %(names)s", "shared languages: %(names)s", 1),
    ngettext_lazy("time zones %(count)s hour apart", "time zones %(count)s hours apart", 1),
)


def _skills_words(mentor: Profile, mentee: Profile) -> list:
    names: list = []
    for skill_id, (name, wanted) in sorted(mentee.skills.items(), key=lambda item: item[1][0].casefold()):
        offer = mentor.skills.get(skill_id)
        if offer is not None:
            names.append(name if offer[1] >= wanted else said(gettext_noop("%(skill)s (partly)"), skill=name))
    if names:
        return said(gettext_noop("skills: %(names)s"), names=said_list(names))
    return said(gettext_noop("skills: none of the wanted skills offered"))


def _team_words(mentor: Profile, mentee: Profile) -> list:
    if mentor.team_id is None or mentee.team_id is None:
        return said(gettext_noop("team not on record"))
    if mentor.department_id != mentee.department_id:
        return said(gettext_noop("different department"))
    if mentor.team_id != mentee.team_id:
        return said(gettext_noop("different team in the same department"))
    return said(gettext_noop("same team"))


def _gap_words(mentor: Profile, mentee: Profile, weights: Weights) -> list:
    if mentor.grade is None or mentee.grade is None:
        return said(gettext_noop("experience gap unknown (no grade on record)"))
    gap = mentor.grade - mentee.grade
    low, high = weights.gap_min, weights.gap_max
    if gap < 0:
        return said(gettext_noop("mentor's grade is below the mentee's"))
    if gap == 0:
        if weights.gap_min > 0:
            return said(gettext_noop("same grade (preferred %(low)s–%(high)s)"), low=low, high=high)
        return said(gettext_noop("same grade"))
    if low <= gap <= high:
        return said_plural("experience gap of %(gap)s grade", "experience gap of %(gap)s grades", gap, gap=gap)
    return said_plural(
        "experience gap of %(gap)s grade (preferred %(low)s–%(high)s)",
        "experience gap of %(gap)s grades (preferred %(low)s–%(high)s)",
        gap,
        gap=gap,
        low=low,
        high=high,
    )


def _availability_words(mentor: Profile, mentee: Profile) -> list:
    n = len(mentor.availability & mentee.availability)
    if n == 0:
        return said(gettext_noop("no common time slots"))
    word = said(NUMBER_WORDS[n]) if n < len(NUMBER_WORDS) else n
    return said_plural("%(count)s common time slot", "%(count)s common time slots", n, count=word)


def _mode_words(mentor: Profile, mentee: Profile) -> list:
    if mentor.meeting_mode == mentee.meeting_mode == MeetingMode.EITHER:
        return said(gettext_noop("both can meet in person or by video"))
    if MeetingMode.EITHER in (mentor.meeting_mode, mentee.meeting_mode) or mentor.meeting_mode == mentee.meeting_mode:
        mode = mentee.meeting_mode if mentor.meeting_mode == MeetingMode.EITHER else mentor.meeting_mode
        if mode == MeetingMode.IN_PERSON:
            return said(gettext_noop("both can meet in person"))
        return said(gettext_noop("both can meet by video"))
    return said(
        gettext_noop("meeting modes differ (mentor: %(mentor)s, mentee: %(mentee)s)"),
        mentor=said(MODE_WORDS[mentor.meeting_mode]),
        mentee=said(MODE_WORDS[mentee.meeting_mode]),
    )


def _language_words(mentor: Profile, mentee: Profile) -> list:
    shared = sorted(mentee.languages[key] for key in mentor.languages.keys() & mentee.languages.keys())
    if not shared:
        return said(gettext_noop("no shared language"))
    return said_plural(
        "shared language: %(names)s", "shared languages: %(names)s", len(shared), names=said_list(shared)
    )


def _readiness_words(mentor: Profile) -> list:
    if mentor.readiness == Readiness.READY:
        return said(gettext_noop("mentor's training met"))
    if mentor.readiness == Readiness.OVERRIDDEN:
        return said(gettext_noop("mentor's training not met (readiness override)"))
    return said(gettext_noop("mentor's training not met"))


def _time_zone_words(mentor: Profile, mentee: Profile) -> list:
    if mentor.utc_offset is None or mentee.utc_offset is None:
        return said(gettext_noop("time zone not on record"))
    hours, minutes = divmod(abs(mentor.utc_offset - mentee.utc_offset), 60)
    if not hours and not minutes:
        return said(gettext_noop("same time zone"))
    if minutes:
        return said(gettext_noop("time zones %(hours)s h %(minutes)s min apart"), hours=hours, minutes=minutes)
    return said_plural("time zones %(count)s hour apart", "time zones %(count)s hours apart", hours, count=hours)


def _ranking_words(mentor: Profile, mentee: Profile, weights: Weights) -> tuple[list, dict[str, list]]:
    """The mentee's ranking as others read it ("Mia's 1st choice"), and as the mentee reads it ("your 1st
    choice")."""
    rank = mentee.ranks.get(mentor.pk)
    if rank is not None and 0 < rank <= min(weights.max_ranked, len(ORDINALS)):
        ordinal = said(ORDINALS[rank - 1])
        return (
            said(gettext_noop("%(name)s's %(ordinal)s choice"), name=mentee.name, ordinal=ordinal),
            {"mentee": said(gettext_noop("your %(ordinal)s choice"), ordinal=ordinal)},
        )
    return (
        said(gettext_noop("not among %(name)s's choices"), name=mentee.name),
        {"mentee": said(gettext_noop("not among your choices"))},
    )


def _wish_words(mentor: Profile, mentee: Profile) -> tuple[list, dict[str, list]]:
    """The mentor's wish as coordinators read it, and as the mentor reads it. The mentee never reads it."""
    stance = mentor.stances.get(mentee.pk, 0)
    if stance > 0:
        return said(gettext_noop("mentor prefers")), {"mentor": said(gettext_noop("you marked this mentee “prefer”"))}
    if stance < 0:
        return said(gettext_noop("mentor prefers not")), {
            "mentor": said(gettext_noop("you marked this mentee “prefer not”"))
        }
    return said(gettext_noop("mentor has no preference")), {
        "mentor": said(gettext_noop("you marked no preference for this mentee"))
    }
