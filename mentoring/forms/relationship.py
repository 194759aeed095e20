"""Forms of the relationship: agreement, goals, sessions, private notes, concerns, the fit question.

They check the shape of the input; the rules (dates, duplicates, who may do what) live in
mentoring.services.relationship.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import IdsField
from mentoring.models import Agreement, FitAnswer, Goal, MentoringSession, Pairing, SessionMode
from mentoring.services.concerns import CONCERN_MAX_CHARS
from mentoring.services.relationship import NOTE_MAX_CHARS, GoalInput, SessionInput, cadence_limits
from programmes.models import Skill

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
RATINGS = [("", _("Not rated"))] + [
    (str(n), format_lazy("{} – {}", n, label))
    for n, label in enumerate(
        [_("far from it"), _("some way to go"), _("halfway"), _("nearly there"), _("there")], start=1
    )
]


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["cadence_days", "preferred_mode", "arrangements"]
        widgets = {"arrangements": forms.Textarea(attrs={"rows": 3})}
        labels = {"arrangements": _("Arrangements")}
        help_texts = {
            "arrangements": _("Where and when you usually meet, how you reach each other. Only the two of you see it."),
        }

    def __init__(self, *args, pairing: Pairing, **kwargs):
        super().__init__(*args, **kwargs)
        low, high = cadence_limits(pairing)
        self.fields["cadence_days"].help_text = gettext(
            "The programme suggests every %(cadence)s days; choose between %(low)s and %(high)s. Your next "
            "check-in is counted from your last confirmed session."
        ) % {"cadence": pairing.programme.checkin_cadence_days, "low": low, "high": high}
        self.fields["cadence_days"].widget.attrs.update(min=low, max=high)


class GoalForm(forms.ModelForm):
    rating_start = forms.TypedChoiceField(
        label=_("Where you stand at the start"),
        choices=RATINGS,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Your own rating, 1 to 5. Only the mentee rates."),
    )
    rating_end = forms.TypedChoiceField(
        label=_("Where you stand at the close"),
        choices=RATINGS,
        coerce=int,
        empty_value=None,
        required=False,
    )

    class Meta:
        model = Goal
        fields = ["title", "success", "target_on", "status", "progress", "rating_start", "rating_end"]
        widgets = {"success": forms.Textarea(attrs={"rows": 3}), "target_on": DATE}
        labels = {"title": _("Title"), "status": _("Status")}

    def __init__(self, *args, side: str | None, owner: str = Goal.Owner.MENTEE, **kwargs):
        super().__init__(*args, **kwargs)
        # A goal's owner is fixed when it is made: the mentee's, or (asked by the mentor) the mentor's own.
        self.owner = self.instance.owner if self.instance.pk else owner
        self.fields["progress"].widget = forms.NumberInput(attrs={"min": 0, "max": 100, "step": 5})
        if side != self.owner:  # whoever owns a goal rates it; the other side never does
            del self.fields["rating_start"]
            del self.fields["rating_end"]
        elif self.owner == Goal.Owner.MENTOR:
            self.fields["rating_start"].help_text = _("Your own rating, 1 to 5. Only you rate your own learning goals.")

    def to_input(self) -> GoalInput:
        data = self.cleaned_data
        return GoalInput(
            title=data["title"],
            success=data.get("success", ""),
            target_on=data.get("target_on"),
            status=data["status"],
            progress=data.get("progress") or 0,
            rating_start=data.get("rating_start", self.instance.rating_start if self.instance.pk else None),
            rating_end=data.get("rating_end", self.instance.rating_end if self.instance.pk else None),
            owner=self.owner,
        )


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=MentoringSession.MIN_MINUTES,
        max_value=MentoringSession.MAX_MINUTES,
        initial=60,
        widget=forms.NumberInput(attrs={"step": 5}),
        help_text=_("Between 15 minutes and 8 hours. Confirmed sessions count as protected time used."),
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=SessionMode.choices, initial=SessionMode.IN_PERSON)
    topics = IdsField(
        label=_("Topics"),
        queryset=Skill.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("From the programme's skills."),
    )
    goals = IdsField(
        label=_("Goals worked on"), queryset=Goal.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    summary = forms.CharField(
        label=_("Shared summary"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you talked about. You and your partner see it; coordinators never do."),
    )
    next_steps = forms.CharField(
        label=_("Next steps"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    private_note = forms.CharField(
        label=_("Private note"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For you alone, stored encrypted. Nobody else reads it unless you share it below."),
    )
    share_note = forms.BooleanField(label=_("Share my private note with my partner"), required=False)
    duplicate_ok = forms.BooleanField(
        label=_("This is another session on the same day"), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, pairing: Pairing, skills, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = skills
        self.fields["goals"].queryset = Goal.objects.filter(pairing=pairing).exclude(status=Goal.Status.DROPPED)
        # Only the pair fills this form, so their goals read as they named them (Goal's __str__ stays
        # metadata-only for every other place a goal is shown).
        self.fields["goals"].label_from_instance = lambda goal: goal.title
        self.fields["held_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        if pairing.started_on:
            self.fields["held_on"].widget.attrs["min"] = pairing.started_on.isoformat()

    def show_duplicate_choice(self) -> None:
        """After a same-day warning, let the person say it really is a second session."""
        self.fields["duplicate_ok"].widget = forms.CheckboxInput()

    def to_input(self) -> SessionInput:
        data = self.cleaned_data
        return SessionInput(
            held_on=data["held_on"],
            duration_minutes=data["duration_minutes"],
            mode=data["mode"],
            topics=list(data["topics"]),
            goals=list(data["goals"]),
            summary=data["summary"],
            next_steps=data["next_steps"],
            private_note=data["private_note"],
            share_note=data["share_note"],
        )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Your private note"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Stored encrypted. Leave it empty to delete your note."),
    )
    shared = forms.BooleanField(label=_("Share it with my partner"), required=False)


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("What is not right?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Your partner sees this and can correct the session."),
    )


class ConcernForm(forms.Form):
    text = forms.CharField(
        label=_("What would you like help with?"),
        max_length=CONCERN_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Only the programme's coordinators read this. Your partner is not told."),
    )


class FitForm(forms.Form):
    fit = forms.ChoiceField(
        label=_("How is the fit?"),
        choices=FitAnswer.Fit.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
