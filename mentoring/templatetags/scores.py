"""``{{ part|explained }}``: one part of a match score in words, in the reader's language (mentoring.said);
``{{ part|explained:"mentee" }}`` as the pair's mentee reads it, ``{{ part|explained:"mentor" }}`` as the mentor
does (mentoring.selectors.scoring.explained; a mentee's parts go through ``as_read_by`` first).
``{{ parts|for_mentor }}``: the parts a mentor may read about a mentee (no re-match penalty)."""

from __future__ import annotations

from django import template

from mentoring.selectors.scoring import explained as part_words
from mentoring.selectors.scoring import parts_for_mentor

register = template.Library()


@register.filter
def explained(part: dict, reader: str = "") -> str:
    return part_words(part, reader) if isinstance(part, dict) else str(part)


@register.filter
def for_mentor(parts: list) -> list:
    return parts_for_mentor(parts or [])
