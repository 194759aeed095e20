"""A programme's matching settings: the weights of the score's parts, how each criterion counts (off, weighted,
required), the preferred experience gap, the minimum score, the suggestion spread and the request settings
(services; reading them is ``mentoring.selectors.cohort.match_settings_get``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring.models import CriterionRule, MatchSettings
from mentoring.selectors.cohort import match_settings_get
from programmes.models import Membership, Person, Programme, Role

SETTINGS_FIELDS = (
    "skills_weight",
    "different_team_weight",
    "experience_gap_weight",
    "availability_weight",
    "meeting_mode_weight",
    "language_weight",
    "readiness_weight",
    "time_zone_weight",
    "language_rule",
    "meeting_mode_rule",
    "time_zone_rule",
    "max_time_zone_hours",
    "department_rule",
    "department_direction",
    "preferred_gap_min",
    "preferred_gap_max",
    "min_score",
    "suggestion_spread",
    "allow_requests",
    "request_expiry_days",
    "objective",
    "max_ranked",
    "ranking_weight",
    "mentor_wish_weight",
)
# The weights of what people said (ranking, prefer): they count only once someone has, so they alone cannot
# make a score.
PREFERENCE_WEIGHTS = ("ranking_weight", "mentor_wish_weight")
# The weight each criterion's rule switches off (MatchSettings.<criterion>_rule).
CRITERION_WEIGHTS = {
    "language_rule": "language_weight",
    "meeting_mode_rule": "meeting_mode_weight",
    "time_zone_rule": "time_zone_weight",
    "department_rule": "different_team_weight",
}


def weights_counted(data: Mapping[str, Any]) -> list[Any]:
    """The weights that can make a score, given the fields' values: a criterion switched off weighs 0, and the
    preference weights are left out (they count only once someone has said something)."""
    off = {weight for rule, weight in CRITERION_WEIGHTS.items() if str(data.get(rule, "")) == CriterionRule.OFF.value}
    return [
        0 if name in off else data.get(name)
        for name in SETTINGS_FIELDS
        if name.endswith("_weight") and name not in PREFERENCE_WEIGHTS
    ]


def _require_coordinator(programme: Programme, by: Person) -> None:
    if not Membership.objects.filter(programme=programme, person=by, role=Role.COORDINATOR).exists():
        raise ValidationError(_("Only the programme's coordinators match its mentors and mentees."))


def _settings_check(settings: MatchSettings) -> None:
    errors: dict[str, str] = {}
    if settings.preferred_gap_min > settings.preferred_gap_max:
        errors["preferred_gap_max"] = _("The largest preferred gap cannot be smaller than the smallest.")
    if not any(weights_counted({name: getattr(settings, name) for name in SETTINGS_FIELDS})):
        errors["skills_weight"] = _("Give at least one part a weight above zero, or every score would be 0.")
    if errors:
        raise ValidationError(errors)
    settings.full_clean()


@transaction.atomic
def match_settings_update(*, programme: Programme, data: Mapping[str, Any], by: Person) -> MatchSettings:
    """Change how the programme scores pairs. Rounds already run keep the weights they used."""
    _require_coordinator(programme, by)
    settings = match_settings_get(programme=programme)
    for name in SETTINGS_FIELDS:
        if name in data:
            setattr(settings, name, data[name])
    _settings_check(settings)
    settings.updated_at = timezone.now()
    settings.save()
    return settings


@transaction.atomic
def match_settings_reset(*, programme: Programme, by: Person) -> MatchSettings:
    """Every weight, the band, the minimum and the request settings back to Tandem's defaults."""
    _require_coordinator(programme, by)
    settings = match_settings_get(programme=programme)
    for name in SETTINGS_FIELDS:
        setattr(settings, name, MatchSettings._meta.get_field(name).get_default())
    settings.updated_at = timezone.now()
    settings.save()
    return settings
