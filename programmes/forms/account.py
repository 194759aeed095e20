"""The person's own settings (email preferences)."""

from __future__ import annotations

from django import forms

from ..models import Person


class EmailPreferencesForm(forms.ModelForm):
    """Validates the two choices; the view hands ``cleaned_data`` to ``person_email_preferences_update``."""

    class Meta:
        model = Person
        fields = ["email_updates", "email_reminders"]
        labels = {
            "email_updates": "Email me about changes",
            "email_reminders": "Email me check-in reminders",
        }
