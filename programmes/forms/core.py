"""The filter of a programme's member list: role, team, training, name or email."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from core.single_line import SingleLineFormField

from ..models import OrgUnit, Role


class MemberFilterForm(forms.Form):
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=[("", gettext_lazy("All roles")), *Role.choices], required=False
    )
    team = forms.ModelChoiceField(
        queryset=OrgUnit.objects.select_related("parent").order_by("parent__name", "name"),
        required=False,
        empty_label=gettext_lazy("All teams"),
        label=gettext_lazy("Team or department"),
    )
    readiness = forms.ChoiceField(
        choices=[
            ("", gettext_lazy("Any training")),
            ("ready", gettext_lazy("Training met")),
            ("not_ready", gettext_lazy("Training not met")),
        ],
        required=False,
        label=gettext_lazy("Training"),
    )
    q = SingleLineFormField(label=gettext_lazy("Name or email"), required=False, max_length=100)
