"""Forms of planned sessions. Times are typed in the person's own time zone (``datetime-local`` inputs) and
become moments here; the rules (times ahead, who answers, https links) live in mentoring.services.planning."""

from __future__ import annotations

import datetime
import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.single_line import SingleLineFormField
from mentoring.models import PlannedSession, SessionMode, WebhookChannel
from mentoring.services.planning import REASON_MAX_CHARS
from programmes.models import Person

LOCAL = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock time in one person's zone: read and shown in that zone, whatever the site's zone is. A time
    that does not exist there (the hour skipped when clocks go forward) is refused with a message."""

    def __init__(self, *args, zone: zoneinfo.ZoneInfo | None = None, **kwargs):
        self.zone = zone
        kwargs.setdefault("widget", forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL))
        kwargs.setdefault("input_formats", [LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        with timezone.override(self.zone or timezone.get_default_timezone()):
            return super().to_python(value)

    def prepare_value(self, value):
        with timezone.override(self.zone or timezone.get_default_timezone()):
            return super().prepare_value(value)


def _time_fields(form: forms.Form, person: Person, count: int, *, label: str) -> None:
    for n in range(1, count + 1):
        form.fields[f"time_{n}"] = LocalDateTimeField(
            zone=person.zone,
            required=n == 1,
            label=label if n == 1 else gettext("Alternative %(number)s") % {"number": n - 1},
            help_text=gettext("In your time zone, %(zone)s.") % {"zone": person.zone.key} if n == 1 else "",
        )


def _times(form: forms.Form) -> list[datetime.datetime]:
    return [v for k, v in form.cleaned_data.items() if k.startswith("time_") and v]


class ProposeForm(forms.Form):
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"),
        min_value=PlannedSession.MIN_MINUTES,
        max_value=PlannedSession.MAX_MINUTES,
        initial=60,
        widget=forms.NumberInput(attrs={"step": 5}),
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=SessionMode.choices, initial=SessionMode.VIDEO)
    place = SingleLineFormField(
        label=_("Place"), required=False, max_length=200, help_text=_("Where you meet in person.")
    )
    video_link = SingleLineFormField(
        label=_("Video link"),
        required=False,
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_("A secure link starting with https://."),
    )

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        _time_fields(self, person, PlannedSession.MAX_TIMES, label=_("Date and time"))
        order = [f"time_{n}" for n in range(1, PlannedSession.MAX_TIMES + 1)]
        self.order_fields(order + ["duration_minutes", "mode", "place", "video_link"])

    @property
    def times(self) -> list[datetime.datetime]:
        return _times(self)


class CounterForm(forms.Form):
    reason = SingleLineFormField(label=_("Note to your partner"), required=False, max_length=REASON_MAX_CHARS)

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        _time_fields(self, person, PlannedSession.MAX_TIMES, label=_("Date and time"))
        self.order_fields([f"time_{n}" for n in range(1, PlannedSession.MAX_TIMES + 1)] + ["reason"])

    @property
    def times(self) -> list[datetime.datetime]:
        return _times(self)


class MoveForm(forms.Form):
    reason = SingleLineFormField(
        label=_("Why it moves"), max_length=REASON_MAX_CHARS, help_text=_("Your partner sees this.")
    )

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        _time_fields(self, person, 1, label=_("New date and time"))
        self.order_fields(["time_1", "reason"])


class AcceptForm(forms.Form):
    starts_at = forms.TypedChoiceField(label=_("Time"), widget=forms.RadioSelect, coerce=str)

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].choices = choices

    def moment(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.cleaned_data["starts_at"])


class ReasonForm(forms.Form):
    reason = SingleLineFormField(
        label=_("Reason"),
        max_length=REASON_MAX_CHARS,
        help_text=_("Your partner sees this; coordinators never do."),
    )


class RecordForm(forms.Form):
    HELD, NOT_HELD = "held", "not_held"
    outcome = forms.ChoiceField(
        label=_("Did the session happen?"),
        choices=[(HELD, _("Yes, we met")), (NOT_HELD, _("No, it did not happen"))],
        widget=forms.RadioSelect,
        initial=HELD,
    )
    summary = forms.CharField(
        label=_("Shared summary"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you talked about. You and your partner see it; coordinators never do."),
    )
    next_steps = forms.CharField(
        label=_("Next steps"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    private_note = forms.CharField(
        label=_("Private note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    share_note = forms.BooleanField(label=_("Share my private note with my partner"), required=False)
    reason = SingleLineFormField(
        label=_("If it did not happen: why"),
        required=False,
        max_length=REASON_MAX_CHARS,
        help_text=_("Your partner sees this."),
    )


class PlanningSettingsForm(forms.Form):
    link_pattern = SingleLineFormField(
        label=_("Default meeting link"),
        required=False,
        max_length=300,
        help_text=_(
            "Optional. For example https://meet.example.org/tandem-{pairing}-{meeting}: {pairing} becomes the "
            "pairing's number, {meeting} a random part for each session. Empty: no default link."
        ),
    )


def _zones() -> list[tuple[str, str]]:
    return [("", gettext("The organisation's time zone"))] + [(z, z) for z in sorted(zoneinfo.available_timezones())]


class MeetingPreferencesForm(forms.Form):
    time_zone = forms.ChoiceField(
        label=_("Your time zone"), required=False, help_text=_("Planned sessions and their reminders show times in it.")
    )
    day_before = forms.BooleanField(label=_("Remind me a day before a planned session"), required=False)
    hour_before = forms.BooleanField(label=_("Remind me an hour before a planned session"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = _zones()


class WebhookChannelForm(forms.Form):
    kind = forms.ChoiceField(label=_("Service"), choices=WebhookChannel.Kind.choices)
    url = SingleLineFormField(
        label=_("Incoming webhook address"),
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_("From Slack (Incoming Webhooks) or Teams (a channel's Workflows or Incoming Webhook)."),
    )
