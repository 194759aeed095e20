"""Form helpers every app shares: widgets, and the forms of the site pages."""

from __future__ import annotations

from django import forms


class MonthInput(forms.DateInput):
    """``<input type="month">``: it holds yyyy-mm and nothing else (a browser shows any other value as empty and
    submits nothing), so a date renders as 2026-03 whatever the locale. Dates need no such widget: ISO comes
    first in DATE_INPUT_FORMATS (config/formats/en_GB/formats.py)."""

    input_type = "month"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m")


class TestEmailForm(forms.Form):
    to = forms.EmailField(label="Send the test to", help_text="Any address; your own is filled in.")
