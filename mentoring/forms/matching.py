"""Forms of the coordinator's matching pages; views hand ``cleaned_data`` to the services in ``matching``."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.single_line import SingleLineFormField
from mentoring.models import OBJECTIVE_DESCRIPTIONS, MatchSettings, Objective
from mentoring.selectors.scoring import Profile
from mentoring.services.match_settings import PREFERENCE_WEIGHTS, SETTINGS_FIELDS
from programmes.terms import TERMS


class MatchSettingsForm(forms.ModelForm):
    class Meta:
        model = MatchSettings
        fields = list(SETTINGS_FIELDS)
        labels = {
            "skills_weight": _("Skills"),
            "different_team_weight": _("Different team or department"),
            "experience_gap_weight": _("Experience gap"),
            "availability_weight": _("Overlapping availability"),
            "meeting_mode_weight": _("Compatible meeting mode"),
            "language_weight": _("Shared language"),
            "readiness_weight": _("Mentor readiness"),
            "preferred_gap_min": _("Smallest preferred grade gap"),
            "preferred_gap_max": _("Largest preferred grade gap"),
            "min_score": _("Minimum score"),
            "allow_requests": _("Mentees may request a mentor from their suggestions"),
            "request_expiry_days": _("A request not answered expires after (days)"),
            "objective": _("Objective of a round"),
            "max_ranked": _("Mentors a mentee may rank"),
            "ranking_weight": _("Mentee's ranking"),
            "mentor_wish_weight": _("Mentor's preference"),
        }
        widgets = {"objective": forms.RadioSelect}
        help_texts = {
            "skills_weight": _("How much the mentor's skills cover the skills the mentee wants, at the level wanted."),
            "different_team_weight": _("Another department counts fully, another team in the same department half."),
            "experience_gap_weight": _("Mentor's grade minus mentee's: within the band fully, outside it half."),
            "availability_weight": _("Time slots both can meet in; three or more count fully."),
            "language_weight": _("No shared language takes this many points away instead."),
            "readiness_weight": format_lazy(
                "{} {}",
                _("Required training met counts fully; met only through a readiness override, half."),
                TERMS["readiness_override"],
            ),
            "min_score": _(
                "A round never proposes a pair scoring less; mentees are only shown mentors at or above it."
            ),
            "objective": _("What a round aims for unless you choose another when you run it."),
            "max_ranked": _(
                "While the programme is matching, each mentee may rank up to this many of their suggested mentors "
                "(at most 10); 0 turns ranking off."
            ),
            "ranking_weight": _(
                "A mentee's first choice counts fully, the next ones less. Counts only once someone has ranked or "
                "marked someone."
            ),
            "mentor_wish_weight": _(
                "A mentor's “prefer” adds this weight, “prefer not” takes it away. The mentee never sees it."
            ),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objective"].choices = objective_choices()

    def clean(self) -> dict:
        data = super().clean()
        low, high = data.get("preferred_gap_min"), data.get("preferred_gap_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "preferred_gap_max", gettext("The largest preferred gap cannot be smaller than the smallest.")
            )
        weights = [
            data.get(name) for name in SETTINGS_FIELDS if name.endswith("_weight") and name not in PREFERENCE_WEIGHTS
        ]
        if all(w is not None for w in weights) and not any(weights):
            raise forms.ValidationError(
                gettext("Give at least one part a weight above zero, or every score would be 0.")
            )
        return data


def objective_choices() -> list[tuple[str, str]]:
    """Each objective with its one-line description, for radio buttons (in the language of the request)."""
    return [
        (
            value,
            gettext("%(objective)s: %(description)s")
            % {"objective": label, "description": OBJECTIVE_DESCRIPTIONS[value]},
        )
        for value, label in Objective.choices
    ]


class RoundRunForm(forms.Form):
    """The objective a round runs with; left out (a page or script from before objectives), the programme's own."""

    objective = forms.ChoiceField(label=_("Objective"), choices=Objective.choices, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objective"].error_messages["invalid_choice"] = gettext(
            "That is not an objective a round can run with. Choose one of the objectives shown."
        )


class CohortFilterForm(forms.Form):
    unmatched = forms.BooleanField(label=_("Only mentees without a mentor"), required=False)
    name = SingleLineFormField(label=_("Mentee's name"), required=False, max_length=100)


class SwapForm(forms.Form):
    """The mentor to propose instead, chosen among the programme's mentors the view already loaded."""

    mentor = forms.TypedChoiceField(coerce=int, empty_value=None, label=_("Mentor"))

    def __init__(self, *args, mentors: Iterable[Profile], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentor"].choices = [(m.pk, m.name) for m in mentors]
        self.fields["mentor"].error_messages["invalid_choice"] = gettext("Choose one of the programme's mentors.")


class MatchOverrideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Why this pair may be matched again. Kept with the override; the pair does not see it."),
    )
