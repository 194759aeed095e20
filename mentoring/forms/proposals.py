"""The form behind a coordinator's "propose" button on a mentee's suggestion."""

from __future__ import annotations

from django import forms

MAX_ID = 2**31 - 1


class ProposeForm(forms.Form):
    mentor = forms.IntegerField(min_value=1, max_value=MAX_ID)
    mentee = forms.IntegerField(min_value=1, max_value=MAX_ID)
