from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext, gettext_lazy

from core.forms import MonthInput

from ..selectors.time import FLAGS

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str) -> datetime.date:
    """'2026-11' -> 1 November 2026; anything else raises ValidationError with a message for the page."""
    match = MONTH_PATTERN.match(value.strip())
    if match:
        year, month = int(match[1]), int(match[2])
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return datetime.date(year, month, 1)
    raise forms.ValidationError(
        gettext("“%(value)s” is not a month Tandem understands; use YYYY-MM, e.g. 2026-11.") % {"value": value[:20]}
    )


class MonthField(forms.Field):
    """A month typed as YYYY-MM (what <input type="month"> sends), cleaned to its first day."""

    def to_python(self, value: str | None) -> datetime.date | None:
        if value in self.empty_values:
            return None
        return parse_month(str(value))


class TimeFilterForm(forms.Form):
    month = MonthField(label=gettext_lazy("Month"), required=False, widget=MonthInput)
    flag = forms.ChoiceField(
        label=gettext_lazy("Flag"),
        choices=[("", gettext_lazy("Everyone")), *((key, label) for key, (label, _) in FLAGS.items())],
        required=False,
    )


class AllocationsCreateForm(forms.Form):
    month = MonthField(label=gettext_lazy("Month"))


class AllocationAdjustForm(forms.Form):
    hours = forms.DecimalField(
        min_value=Decimal("0"), max_value=Decimal("80"), max_digits=4, decimal_places=1, label=gettext_lazy("Hours")
    )


class AllocationDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("approve", gettext_lazy("Approve")), ("decline", gettext_lazy("Decline"))],
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
