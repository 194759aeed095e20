"""Forms of committee reports: a new report's period, the narrative, and the committee's review."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.single_line import SingleLineFormField

from ..models import Report, ReportComment, ReportDecision
from ..selectors.reporting import Period, quarter_from_key, recent_quarters


class ReportCreateForm(forms.Form):
    QUARTER, CUSTOM = "quarter", "custom"

    title = SingleLineFormField(
        label=gettext_lazy("Title"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Leave empty for a title such as “Q1 2026 report”."),
    )
    period_kind = forms.ChoiceField(
        label=gettext_lazy("Period"),
        choices=[(QUARTER, gettext_lazy("A quarter")), (CUSTOM, gettext_lazy("Custom dates"))],
        initial=QUARTER,
        widget=forms.RadioSelect,
    )
    quarter = forms.ChoiceField(label=gettext_lazy("Quarter"), required=False)
    period_start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = recent_quarters(timezone.localdate())
        self.fields["quarter"].choices = choices
        # The last quarter that has ended: the usual one to report on.
        self.fields["quarter"].initial = choices[1][0]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("period_kind") == self.QUARTER:
            if not data.get("quarter"):
                self.add_error("quarter", _("Choose the quarter the report covers."))
                return data
            data["period"] = quarter_from_key(data["quarter"])
            return data
        start, end = data.get("period_start"), data.get("period_end")
        if start is None:
            self.add_error("period_start", _("Give the first day of the period."))
        if end is None:
            self.add_error("period_end", _("Give the last day of the period."))
        if start and end:
            if end < start:
                self.add_error("period_end", _("The period must end on or after the day it starts."))
            else:
                data["period"] = Period(start, end)
        return data


class ReportEditForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["title", "narrative"]
        labels = {"title": gettext_lazy("Title"), "narrative": gettext_lazy("Narrative")}
        widgets = {"narrative": forms.Textarea(attrs={"rows": 14})}
        help_texts = {
            "narrative": gettext_lazy(
                "What the figures mean, what went well, what you changed and what you ask the committee. "
                "Write about groups, never about a person."
            )
        }


class CommentForm(forms.ModelForm):
    class Meta:
        model = ReportComment
        fields = ["text"]
        labels = {"text": gettext_lazy("Comment")}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class DecisionForm(forms.ModelForm):
    """A decision or recommendation; a decision's owner (one of ``owners``) and due date are checked by the
    service (``services.reports.report_decision_record``), so the message says what is missing."""

    class Meta:
        model = ReportDecision
        fields = ["kind", "text", "owner", "due_on"]
        labels = {
            "kind": gettext_lazy("This is a"),
            "text": gettext_lazy("Decision or recommendation"),
            "owner": gettext_lazy("Owner"),
            "due_on": gettext_lazy("Due on"),
        }
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners if owners is not None else self.fields["owner"].queryset.none()
        self.fields["owner"].required = False
        self.fields["due_on"].required = False


class DecisionUpdateForm(forms.ModelForm):
    class Meta:
        model = ReportDecision
        fields = ["status", "outcome"]
        labels = {"status": gettext_lazy("Status"), "outcome": gettext_lazy("What was done")}
        help_texts = {
            "outcome": gettext_lazy("In your own words, for the committee: it reads this in the next report.")
        }
        widgets = {"outcome": forms.Textarea(attrs={"rows": 4})}
