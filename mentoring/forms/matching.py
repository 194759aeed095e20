"""Forms of the coordinator's matching pages; views hand ``cleaned_data`` to the services in ``matching``."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms

from core.single_line import SingleLineFormField
from mentoring.models import MatchSettings
from mentoring.selectors.scoring import Profile
from mentoring.services.match_settings import SETTINGS_FIELDS
from programmes.terms import TERMS


class MatchSettingsForm(forms.ModelForm):
    class Meta:
        model = MatchSettings
        fields = list(SETTINGS_FIELDS)
        labels = {
            "skills_weight": "Skills",
            "different_team_weight": "Different team or department",
            "experience_gap_weight": "Experience gap",
            "availability_weight": "Overlapping availability",
            "meeting_mode_weight": "Compatible meeting mode",
            "language_weight": "Shared language",
            "readiness_weight": "Mentor readiness",
            "preferred_gap_min": "Smallest preferred grade gap",
            "preferred_gap_max": "Largest preferred grade gap",
            "min_score": "Minimum score",
            "allow_requests": "Mentees may request a mentor from their suggestions",
            "request_expiry_days": "A request not answered expires after (days)",
        }
        help_texts = {
            "skills_weight": "How much the mentor's skills cover the skills the mentee wants, at the level wanted.",
            "different_team_weight": "Another department counts fully, another team in the same department half.",
            "experience_gap_weight": "Mentor's grade minus mentee's: within the band fully, outside it half.",
            "availability_weight": "Time slots both can meet in; three or more count fully.",
            "language_weight": "No shared language takes this many points away instead.",
            "readiness_weight": "Required training met counts fully; met only through a readiness override, half. "
            + TERMS["readiness_override"],
            "min_score": "A round never proposes a pair scoring less; mentees are only shown mentors at or above it.",
        }

    def clean(self) -> dict:
        data = super().clean()
        low, high = data.get("preferred_gap_min"), data.get("preferred_gap_max")
        if low is not None and high is not None and low > high:
            self.add_error("preferred_gap_max", "The largest preferred gap cannot be smaller than the smallest.")
        weights = [data.get(name) for name in SETTINGS_FIELDS if name.endswith("_weight")]
        if all(w is not None for w in weights) and not any(weights):
            raise forms.ValidationError("Give at least one part a weight above zero, or every score would be 0.")
        return data


class CohortFilterForm(forms.Form):
    unmatched = forms.BooleanField(label="Only mentees without a mentor", required=False)
    name = SingleLineFormField(label="Mentee's name", required=False, max_length=100)


class SwapForm(forms.Form):
    """The mentor to propose instead, chosen among the programme's mentors the view already loaded."""

    mentor = forms.TypedChoiceField(coerce=int, empty_value=None, label="Mentor")

    def __init__(self, *args, mentors: Iterable[Profile], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentor"].choices = [(m.pk, m.name) for m in mentors]
        self.fields["mentor"].error_messages["invalid_choice"] = "Choose one of the programme's mentors."


class MatchOverrideForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Why this pair may be matched again. Kept with the override; the pair does not see it.",
    )
