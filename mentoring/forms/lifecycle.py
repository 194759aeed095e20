"""Forms of the pairing lifecycle. They check the shape of the input; the rules live in mentoring.services.lifecycle."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.single_line import SingleLineFormField
from mentoring.models import Pairing
from mentoring.services.closing_reflection import REFLECTION_MAX_CHARS


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does this pairing not suit you?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the programme's coordinators read this, so that they can find a better match."),
    )


class PauseForm(forms.Form):
    reason = SingleLineFormField(
        label=_("Why pause?"),
        max_length=300,
        help_text=_("A few words, e.g. “parental leave” or “project deadline”. The pair and the coordinators see it."),
    )
    resume_on = forms.DateField(
        label=_("Resume on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The pairing becomes active again on this day, at most six months from today."),
    )


class EndEarlyForm(forms.Form):
    reason_code = forms.ChoiceField(
        label=_("Why does the pairing end early?"),
        choices=Pairing.EndReason.choices,
        widget=forms.RadioSelect,
        help_text=_("The coordinators see this reason; line managers are only told that the pairing ended."),
    )
    rematch = forms.BooleanField(label=_("Find a new mentor"), required=False)

    def __init__(self, *args, rematch_label: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if rematch_label is None:
            # The mentor cannot ask for a new mentor on the mentee's behalf.
            del self.fields["rematch"]
        else:
            self.fields["rematch"].label = rematch_label


class ReflectionForm(forms.Form):
    text = forms.CharField(
        label=_("Your closing reflection"),
        max_length=REFLECTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What you take away from this mentoring relationship. Only you will ever read it: not your partner, "
            "not the coordinators, not your line manager."
        ),
    )
