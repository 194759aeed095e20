"""The person's own settings (language, email preferences)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..models import Person


def language_choices() -> list[tuple[str, str]]:
    # Each language in its own name (settings.LANGUAGES), so that someone lost in a language finds theirs.
    return [("", _("The language of my browser")), *settings.LANGUAGES]


class EmailPreferencesForm(forms.ModelForm):
    """Validates the choices; the view hands ``cleaned_data`` to ``person_email_preferences_update``."""

    language = forms.TypedChoiceField(
        label=_("Language"),
        choices=language_choices,
        required=False,
        help_text=_("Pages, emails, invitations, reminders and PDFs come in this language."),
    )

    class Meta:
        model = Person
        fields = ["language", "email_updates", "email_reminders"]
        labels = {
            "email_updates": _("Email me about changes"),
            "email_reminders": _("Email me check-in reminders"),
        }
