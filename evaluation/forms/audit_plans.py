"""The action plan form: up to three actions, each tied to one of the audit's dimensions. It checks the shape of
the input; the rules live in evaluation.services.audit_plans."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from ..models import AuditAction
from ..models.audit_plans import MAX_ACTIONS
from ..selectors.audit_plans import dimension_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FIELDS = ("dimension", "text", "due_on", "status", "done_text")


class ActionPlanForm(forms.Form):
    """Action 1, 2 and 3 as ``a1_text``, ``a2_text``...; an action left without text is not part of the plan."""

    def __init__(self, *args, plan=None, **kwargs):
        initial = {}
        if plan is not None:
            for action in plan.actions.all():
                initial |= {f"a{action.position}_{name}": getattr(action, name) for name in FIELDS}
        super().__init__(*args, initial=initial, **kwargs)
        choices = [("", "—"), *dimension_choices()]
        for i in range(1, MAX_ACTIONS + 1):
            self.fields[f"a{i}_dimension"] = forms.ChoiceField(
                label=gettext_lazy("Dimension"), choices=choices, required=False
            )
            self.fields[f"a{i}_text"] = forms.CharField(label=gettext_lazy("Action"), max_length=300, required=False)
            self.fields[f"a{i}_due_on"] = forms.DateField(label=gettext_lazy("Due"), required=False, widget=DATE)
            self.fields[f"a{i}_status"] = forms.ChoiceField(
                label=gettext_lazy("Status"),
                choices=AuditAction.Status.choices,
                initial=AuditAction.Status.PLANNED,
                required=False,  # a new action without one is planned
            )
            self.fields[f"a{i}_done_text"] = forms.CharField(
                label=gettext_lazy("What was done"),
                max_length=1000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"

    def clean(self):
        data = super().clean()
        for i in range(1, MAX_ACTIONS + 1):
            if not (data.get(f"a{i}_text") or "").strip():
                continue
            if not data.get(f"a{i}_dimension"):
                self.add_error(f"a{i}_dimension", gettext_lazy("Choose the dimension this action works on."))
            if not data.get(f"a{i}_due_on"):
                self.add_error(f"a{i}_due_on", gettext_lazy("Give the action a due date."))
        return data

    def rows(self) -> list[dict]:
        """The form's fields per action, for the template."""
        return [
            {"number": i, "fields": [(name, self[f"a{i}_{name}"]) for name in FIELDS]}
            for i in range(1, MAX_ACTIONS + 1)
        ]

    def actions(self) -> list[dict]:
        found = [{name: self.cleaned_data.get(f"a{i}_{name}") for name in FIELDS} for i in range(1, MAX_ACTIONS + 1)]
        for action in found:
            action["status"] = action["status"] or AuditAction.Status.PLANNED
        return found


class AuditAlertForm(forms.Form):
    status = forms.ChoiceField(choices=[("acknowledged", ""), ("resolved", "")])
