"""State histories (a row per change, from ``since`` on): keeping each row's ``until`` right."""

from __future__ import annotations

from django.db.models import QuerySet


def history_reckon_until(rows: QuerySet) -> None:
    """Set ``until`` on the rows of one history (a session's, an allocation's) to the ``since`` of the row after
    them in the order the reports read it (``since``, then id), and null on the last. Called in the transaction
    that adds a row: a row recorded with an earlier ``since`` than one already there still ends where the next
    begins, so that "the row that stood at T" (``since < T <= until``) stays the latest row recorded before T."""
    states = list(rows.order_by("since", "pk").only("pk", "since", "until"))
    changed = []
    for state, after in zip(states, [*states[1:], None], strict=True):
        until = after.since if after is not None else None
        if state.until != until:
            state.until = until
            changed.append(state)
    if changed:
        type(states[0]).objects.bulk_update(changed, ["until"])
