"""Whose goal a goal is, and what that lets each side of the pair do with it.

A pairing's goals are the mentee's (what the pairing is for) or the mentor's own learning goals (what the mentor
wants to learn from mentoring). Both sides read both; whoever owns a goal rates it, at the start and at the close,
and the other side never does. The mentee's goals are agreed together, so either side writes them; a mentor's own
goals are theirs to write.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mentoring.models import Goal


def goal_owner_check(*, goal: Goal, side: str) -> None:
    """Refuse a change to a mentor's own goal by anyone but the mentor."""
    if goal.owner == Goal.Owner.MENTOR and side != Goal.Owner.MENTOR:
        raise ValidationError(_("Only the mentor writes and rates their own learning goals."))


def goal_rated_by(*, goal: Goal, side: str) -> bool:
    """Whether this side of the pair rates the goal: its owner only."""
    return side == goal.owner
