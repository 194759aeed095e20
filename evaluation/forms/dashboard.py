"""The coordinator dashboard's filter: a preset period or dates of one's own, and a team."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import long_date
from programmes.models import OrgUnit
from programmes.services.time import month_after, month_start

from ..selectors.dashboard import Period

# Coordinator dashboard filter

THIS_MONTH, LAST_3_MONTHS, THIS_QUARTER, CUSTOM = "month", "3months", "quarter", "custom"
MAX_CUSTOM_DAYS = 731  # two years: enough for any review, short enough for a readable weekly chart
EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)


def _day(day: datetime.date) -> str:
    return long_date(day)


def _months_back(month: datetime.date, n: int) -> datetime.date:
    for _month in range(n):
        month = month_start(month - datetime.timedelta(days=1))
    return month


def preset_period(key: str, today: datetime.date) -> Period:
    """This month, the last three months (this one and the two before) or this quarter, whole months each."""
    month = month_start(today)
    if key == LAST_3_MONTHS:
        start, end, label = _months_back(month, 2), month_after(month), _("the last 3 months")
    elif key == THIS_QUARTER:
        start = month.replace(month=3 * ((month.month - 1) // 3) + 1)
        end = month_after(month_after(month_after(start)))
        label = _("this quarter (Q%(number)s %(year)s)") % {"number": (start.month - 1) // 3 + 1, "year": start.year}
    else:
        start, end, label = (
            month,
            month_after(month),
            _("this month (%(month)s)") % {"month": date_format(month, "YEAR_MONTH_FORMAT")},
        )
    return Period(start=start, end=end - datetime.timedelta(days=1), label=label)


class DashboardFilterForm(forms.Form):
    """Period and team of the dashboard. An invalid choice never fails the page: ``choice()`` falls back to
    this month and every team, and says what it could not use."""

    period = forms.ChoiceField(
        choices=[
            (THIS_MONTH, gettext_lazy("This month")),
            (LAST_3_MONTHS, gettext_lazy("Last 3 months")),
            (THIS_QUARTER, gettext_lazy("This quarter")),
            (CUSTOM, gettext_lazy("From … to …")),
        ],
        required=False,
        error_messages={"invalid_choice": gettext_lazy("That period was not understood.")},
    )
    start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "invalid": gettext_lazy("“From” is not a date Tandem understands; use YYYY-MM-DD, e.g. 2026-03-01.")
        },
    )
    end = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "invalid": gettext_lazy("“To” is not a date Tandem understands; use YYYY-MM-DD, e.g. 2026-03-31.")
        },
    )
    team = forms.TypedChoiceField(label=gettext_lazy("Team"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, units: list[OrgUnit], today: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.units = {unit.pk: unit for unit in units}
        self.fields["team"].choices = [("", _("Every team")), *((unit.pk, str(unit)) for unit in units)]
        for name, field in self.fields.items():
            css = "form-select form-select-sm" if name in ("period", "team") else "form-control form-control-sm"
            field.widget.attrs["class"] = css

    def clean(self) -> dict:
        data = super().clean()
        if data.get("period") != CUSTOM:
            return data
        start, end = data.get("start"), data.get("end")
        if "start" in self.errors or "end" in self.errors:
            return data
        if start is None or end is None:
            raise forms.ValidationError(_("Give both dates of a custom period, from and to."))
        if not (EARLIEST <= start <= LATEST and EARLIEST <= end <= LATEST):
            raise forms.ValidationError(_("Give dates between the years 2000 and 2100."))
        if start > end:
            raise forms.ValidationError(_("The period ends before it starts: put the earlier date in “From”."))
        if (end - start).days >= MAX_CUSTOM_DAYS:
            raise forms.ValidationError(_("Choose a period of at most two years."))
        return data

    def choice(self) -> tuple[Period, OrgUnit | None, list[str]]:
        """The period and team to show, and a sentence for each part of the input that could not be used."""
        default = preset_period(THIS_MONTH, self.today)
        if not self.is_bound:
            return default, None, []
        self.is_valid()
        data, problems = self.cleaned_data, []
        period_errors = [e for key in ("period", "start", "end", "__all__") for e in self.errors.get(key, [])]
        if period_errors:
            problems.append(" ".join([*period_errors, _("This month is shown instead.")]))
            period = default
        elif data.get("period") == CUSTOM:
            period = Period(
                start=data["start"],
                end=data["end"],
                label=_("%(start)s to %(end)s") % {"start": _day(data["start"]), "end": _day(data["end"])},  # noqa: E501
            )
        else:
            period = preset_period(data.get("period") or THIS_MONTH, self.today)
        team = None
        if "team" in self.errors:
            problems.append(_("That team was not found, so every team is shown."))
        elif data.get("team") is not None:
            team = self.units[data["team"]]
        return period, team, problems
