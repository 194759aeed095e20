"""The organisation's forms, one module per part; and how a service's refusal lands on a form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: under the field it names, or on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# Hostile input (issue 8, point 5): the largest id a database integer column holds (bigint).
LARGEST_ID = 2**63 - 1


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
