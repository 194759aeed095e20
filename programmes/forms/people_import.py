from __future__ import annotations

from django import forms


class PeopleImportForm(forms.Form):
    # Empty files are let through so that the service answers with its own, clearer message.
    file = forms.FileField(
        label="CSV file from your HR system",
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        help_text="CSV, UTF-8 (with or without BOM), at most 5 MB and 10,000 people.",
    )
