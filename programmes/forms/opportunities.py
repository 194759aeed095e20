from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from core.forms import IdsField
from core.single_line import SingleLineFormField

from ..models import Course, Opportunity, OpportunityRequest, OrgUnit, Person, Programme, Skill

DATE = {"type": "date"}


class OpportunityFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=[("", gettext_lazy("All kinds")), *Opportunity.Kind.choices], required=False
    )
    skill = forms.ModelChoiceField(
        label=gettext_lazy("Helps to learn"),
        queryset=Skill.objects.canonical().order_by("name"),
        required=False,
        empty_label=gettext_lazy("Any skill"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    q = SingleLineFormField(label=gettext_lazy("Search"), max_length=100, required=False)


class OpportunityForm(forms.ModelForm):
    """Validates an opportunity; the view hands ``cleaned_data`` to ``opportunity_publish`` / ``opportunity_edit``."""

    class Meta:
        model = Opportunity
        fields = [
            "kind",
            "title",
            "description",
            "host",
            "org_unit",
            "starts_on",
            "ends_on",
            "places",
            "hours",
            "skills",
            "course",
        ]
        # The skills' ids go into an IN list: IdsField refuses ids no row can have before querying.
        field_classes = {"skills": IdsField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "starts_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "skills": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {
            "host": gettext_lazy("The person the learner joins, and who confirms it happened."),
            "starts_on": gettext_lazy("Leave both dates empty for an ongoing opportunity."),
            "hours": gettext_lazy("The protected time a person spends on it, counted when the host confirms it."),
            "course": gettext_lazy("For an off-the-job course only."),
        }

    def __init__(self, *args: Any, teams: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = Person.objects.filter(is_active=True).order_by("display_name")
        units = OrgUnit.objects.select_related("parent").order_by("name")
        # A line manager publishes for their own and their reports' teams (None: a coordinator, any team).
        self.fields["org_unit"].queryset = units if teams is None else units.filter(pk__in=teams)
        self.fields["skills"].queryset = Skill.objects.canonical().order_by("name")
        self.fields["course"].queryset = Course.objects.filter(is_active=True).order_by("title")
        self.fields["hours"].widget.attrs.update({"step": "0.5", "min": "0", "max": "80"})


class OpportunityAskForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Whose protected time it uses"),
        queryset=Programme.objects.none(),
        empty_label=None,
        help_text=gettext_lazy("Your line manager approves the time, as for your protected time in that programme."),
    )

    def __init__(self, *args: Any, programmes: list[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(pk__in=[p.pk for p in programmes]).order_by("name")


class OpportunityDecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("decline", "decline")])
    reason = forms.CharField(max_length=1000, required=False, widget=forms.Textarea)


class OpportunityConfirmForm(forms.Form):
    happened = forms.ChoiceField(choices=[("yes", "yes"), ("no", "no")])
    happened_on = forms.DateField(required=False, widget=forms.DateInput(attrs=DATE))


REQUEST_STATUS_COLOURS = {
    OpportunityRequest.Status.REQUESTED: "warning",
    OpportunityRequest.Status.APPROVED: "info",
    OpportunityRequest.Status.DECLINED: "danger",
    OpportunityRequest.Status.TAKEN_UP: "success",
    OpportunityRequest.Status.NOT_HAPPENED: "secondary",
    OpportunityRequest.Status.WITHDRAWN: "secondary",
}
