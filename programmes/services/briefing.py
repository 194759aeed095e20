"""Line managers' briefing (issue 20): a coordinator records a line manager's completed briefing (a training
record, as for any course) and reminds the line managers not yet briefed, once a day at most."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import BriefingReminder, Membership, Person, Programme, TrainingRecord
from ..selectors.briefing import briefing_course, programme_line_managers
from .notifications import Notice, notices_send
from .training import training_record_create


def _require_line_manager_in(programme: Programme, manager: Person) -> None:
    if not Membership.objects.participants().filter(programme=programme, person__line_manager=manager).exists():
        raise ValidationError(_("%(name)s manages nobody in this programme.") % {"name": manager.display_name})


@transaction.atomic
def briefing_record(
    *, programme: Programme, manager: Person, completed_on: datetime.date, by: Person
) -> TrainingRecord:
    """Record that ``manager`` completed the line manager briefing on ``completed_on``: a training record."""
    _require_line_manager_in(programme, manager)
    course = briefing_course()
    if course is None:
        raise ValidationError(_("The catalogue has no line manager briefing: add a course of that kind first."))
    return training_record_create(
        person=manager, course=course, status=TrainingRecord.Status.COMPLETED, completed_on=completed_on
    )


def briefing_remind(*, programme: Programme, by: Person, today: datetime.date | None = None) -> int:
    """Remind the programme's line managers who are not briefed (never, or expired); each at most once a day,
    whoever asks and however often. Returns how many were reminded now."""
    today = today or timezone.localdate()
    waiting = [m for m in programme_line_managers(programme, today=today) if not m.briefing_valid]
    reminded: list[Person] = []
    for manager in waiting:
        try:
            # The database is the key: a second reminder the same day (another coordinator, a double click) fails.
            with transaction.atomic():
                BriefingReminder.objects.create(person=manager, sent_on=today, programme=programme, sent_by=by)
        except IntegrityError:
            continue
        reminded.append(manager)
    url = reverse("programmes:team")
    name = programme.name
    notices_send(
        Notice(
            person=manager,
            text=lambda: (
                _(
                    "Your reports take part in “%(programme)s”. Please take the line manager briefing: it says what "
                    "mentoring asks of you, and what stays private to the pair."
                )
                % {"programme": name}
            ),
            url=url,
            email_subject=lambda: _("Please take the line manager briefing (%(programme)s)") % {"programme": name},
        )
        for manager in reminded
    )
    return len(reminded)
