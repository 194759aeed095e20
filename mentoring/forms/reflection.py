"""Forms of time to think (issue 20): reflection time and the reflection after a session."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.models import ReflectionTime
from mentoring.services.reflection import REFLECTION_MAX_CHARS, reflection_programmes
from programmes.models import Person

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReflectionTimeForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of your own programmes.")},
    )
    day = forms.DateField(label=_("Day"), widget=DATE)
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=ReflectionTime.MIN_HOURS,
        max_value=ReflectionTime.MAX_HOURS,
        max_digits=3,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1"}),
        help_text=_("Between 0.1 and 8 hours: the time you spent thinking, reading or reflecting on your learning."),
    )
    note = forms.CharField(
        label=_("Private note (optional)"),
        required=False,
        max_length=REFLECTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only you ever see this note; it is stored encrypted. No text is needed for the time to count."),
    )

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = reflection_programmes(person)


class SessionReflectionForm(forms.Form):
    text = forms.CharField(
        label=_("What will you take from this session?"),
        required=False,
        max_length=REFLECTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Optional and private: only you see it, never your partner or the coordinators. Empty it to remove it."
        ),
    )
