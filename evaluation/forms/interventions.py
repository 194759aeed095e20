"""Forms of the alerts page and of interventions. They check the shape of the input; the rules (whose
pairing, which alerts, dates) live in evaluation.services.interventions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from ..models import Intervention
from ..services.interventions import NOTE_MAX_CHARS, OUTCOME_MAX_CHARS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOTE_HELP = gettext_lazy(
    "For the programme's coordinators only: the pair, their line managers and the committee never see it, "
    "and no notice or email carries it."
)


class InterventionEditForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Intervention.Kind.choices)
    follow_up_on = forms.DateField(
        label=gettext_lazy("Follow up on"),
        required=False,
        widget=DATE,
        help_text=gettext_lazy(
            "Tandem reminds you once on this day (or, if you have left, the programme's coordinators)."
        ),
    )
    note = forms.CharField(
        label=gettext_lazy("Note for coordinators"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=NOTE_HELP,
    )


class InterventionForm(InterventionEditForm):
    """A new intervention; ``alert_choices`` are the open alerts of its pairing it may answer."""

    alerts = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Alerts this answers"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("They are marked acknowledged now, and resolved when you close the intervention."),
    )

    field_order = ["kind", "alerts", "follow_up_on", "note"]

    def __init__(self, *args, alert_choices: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        if alert_choices:
            self.fields["alerts"].choices = alert_choices
        else:
            del self.fields["alerts"]


class InterventionCloseForm(forms.Form):
    outcome = forms.CharField(
        label=gettext_lazy("Outcome"),
        max_length=OUTCOME_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "How it ended, for the coordinators who come after you. Closing resolves the alerts it answers."
        ),
    )


class InterventionFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", gettext_lazy("Any status")), *Intervention.Status.choices], required=False)
    kind = forms.ChoiceField(choices=[("", gettext_lazy("Any kind")), *Intervention.Kind.choices], required=False)
