"""``{{ part|explained }}``: one part of a match score in words, in the reader's language (mentoring.said)."""

from __future__ import annotations

from django import template

from mentoring.selectors.scoring import explained as part_words

register = template.Library()


@register.filter
def explained(part: dict) -> str:
    return part_words(part) if isinstance(part, dict) else str(part)
