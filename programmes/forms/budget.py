from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from core.forms import MonthInput
from core.single_line import SingleLineFormField

from ..models import BudgetLine, Course, Membership, Person, Programme
from ..services.budget import KNOWN_CURRENCIES, currency_validate


def line_label(line: BudgetLine) -> str:
    return f"{line} ({line.currency})"


class BudgetLineForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=BudgetLine.Category.choices)
    description = SingleLineFormField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Optional, e.g. “Mentor training, spring cohort”."),
    )
    planned_amount = forms.DecimalField(
        label=gettext_lazy("Planned amount"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "class": "text-end"}),
    )
    currency = forms.CharField(
        label=gettext_lazy("Currency"),
        max_length=10,
        help_text=format_lazy(gettext_lazy("Three-letter code: {codes}."), codes=", ".join(KNOWN_CURRENCIES)),
        widget=forms.TextInput(attrs={"list": "currencies", "autocomplete": "off", "size": 4}),
    )

    def clean_currency(self) -> str:
        # People type "eur"; the stored code is upper-case.
        code = self.cleaned_data["currency"].strip().upper()
        currency_validate(code)
        return code


class SpendForm(forms.Form):
    line = forms.ModelChoiceField(
        queryset=BudgetLine.objects.none(), label=gettext_lazy("Budget line"), empty_label=gettext_lazy("Choose a line")
    )
    spent_on = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    amount = forms.DecimalField(
        label=gettext_lazy("Amount"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "class": "text-end"}),
    )
    description = SingleLineFormField(
        label=gettext_lazy("Description"),
        max_length=200,
        help_text=gettext_lazy("What the money paid for, e.g. “Venue hire, kick-off”."),
    )
    course = forms.ModelChoiceField(
        label=gettext_lazy("Course"),
        queryset=Course.objects.filter(is_active=True).order_by("title"),
        required=False,
        empty_label=gettext_lazy("No course"),
    )
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label=gettext_lazy("Participant"),
        empty_label=gettext_lazy("Nobody in particular"),
        error_messages={"invalid_choice": gettext_lazy("Choose one of the programme's members, or nobody.")},
    )

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        line_field = self.fields["line"]
        line_field.queryset = BudgetLine.objects.filter(programme=programme).order_by("currency", "category", "pk")
        line_field.label_from_instance = line_label
        self.fields["person"].queryset = Person.objects.filter(
            Exists(Membership.objects.filter(programme=programme, person=OuterRef("pk")))
        ).order_by("display_name")


class SpendFilterForm(forms.Form):
    line = forms.ChoiceField(required=False, label=gettext_lazy("Budget line"))
    month = forms.DateField(
        label=gettext_lazy("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=MonthInput,
        error_messages={"invalid": gettext_lazy("Choose a month, e.g. 2025-03.")},
    )

    def __init__(self, *args, lines: Sequence[BudgetLine], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Choices from lines the view already fetched, so filtering costs no query of its own.
        self.fields["line"].choices = [
            ("", gettext_lazy("All lines")),
            *((str(line.pk), line_label(line)) for line in lines),
        ]

    def clean_line(self) -> int | None:
        return int(self.cleaned_data["line"]) if self.cleaned_data["line"] else None
