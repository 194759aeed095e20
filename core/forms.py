"""Form helpers every app shares: how a service's refusal lands on a form, a field of ids, a widget, and the
forms of the site pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .ids import LARGEST_ID


class MonthInput(forms.DateInput):
    """``<input type="month">``: it holds yyyy-mm and nothing else (a browser shows any other value as empty and
    submits nothing), so a date renders as 2026-03 whatever the locale. Dates need no such widget: ISO comes
    first in DATE_INPUT_FORMATS (config/formats/en_GB/formats.py)."""

    input_type = "month"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m")


class TestEmailForm(forms.Form):
    to = forms.EmailField(label=_("Send the test to"), help_text=_("Any address; your own is filled in."))


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: under the field it names, or on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class IdsField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses ids no row can have before querying (SQLite raises OverflowError
    on a number past 64 bits in an ``IN`` list; Django guards single lookups but not lists)."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk).strip()
            if text.lstrip("-").isdigit() and abs(int(text)) > LARGEST_ID:
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                      params={"pk": text[:20]})  # fmt: skip
        return super()._check_values(value)
