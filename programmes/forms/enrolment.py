from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.i18n import noun_in_sentence
from core.single_line import SingleLineFormField

from ..models import Application, Person, Programme, Role, Skill
from ..models.enrolment import AVAILABILITY_SLOTS, ApplicationSkill, MeetingMode
from ..services.enrolment import SkillChoice
from ..terms import TERMS

SKILL_ROWS = 5


class ApplicationForm(forms.Form):
    role = forms.ChoiceField(
        label=gettext_lazy("I want to take part as"),
        choices=[
            (Role.MENTEE, gettext_lazy("A mentee: I want to learn from someone")),
            (Role.MENTOR, gettext_lazy("A mentor: I want to support someone")),
        ],
        widget=forms.RadioSelect,
    )
    goals = forms.CharField(
        label=gettext_lazy("Your goals, in your own words"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=gettext_lazy("Mentees: what you want to learn. Mentors: what you hope to share."),
    )
    meeting_mode = forms.ChoiceField(
        label=gettext_lazy("How you prefer to meet"), choices=MeetingMode.choices, widget=forms.RadioSelect
    )
    availability = forms.MultipleChoiceField(
        label=gettext_lazy("When you could meet"),
        choices=AVAILABILITY_SLOTS,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    languages = SingleLineFormField(
        label=gettext_lazy("Languages you can meet in"),
        max_length=200,
        help_text=gettext_lazy("Separate them with commas, e.g. English, Finnish."),
    )
    capacity = forms.IntegerField(
        label=gettext_lazy("Mentees you could take on (mentors only)"), min_value=1, max_value=10, required=False
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["capacity"].initial = programme.default_mentor_capacity
        # One query for the five drop-downs: each would otherwise run its own.
        self.skills = {skill.pk: skill for skill in Skill.objects.canonical().order_by("name")}
        choices = [("", gettext_lazy("Choose a skill")), *((pk, skill.name) for pk, skill in self.skills.items())]
        for i in range(SKILL_ROWS):
            self.fields[f"skill_{i}"] = forms.TypedChoiceField(
                choices=choices,
                coerce=int,
                required=False,
                empty_value=None,
                label=_("Skill %(number)s") % {"number": i + 1},
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"level_{i}"] = forms.TypedChoiceField(
                choices=ApplicationSkill.Level.choices,
                coerce=int,
                required=False,
                empty_value=ApplicationSkill.Level.WORKING,
                initial=ApplicationSkill.Level.WORKING,
                label=_("Level %(number)s") % {"number": i + 1},
                widget=forms.Select(attrs={"class": "form-select"}),
            )
        self.questions = list(programme.questions.all())
        for question in self.questions:
            self.fields[f"question_{question.pk}"] = forms.CharField(
                label=question.text,
                required=False,  # required-ness depends on the role chosen: checked in clean()
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=2000,
                help_text=(_("Required") if question.required else _("Optional"))
                + (
                    " · " + _("for %(role)s") % {"role": noun_in_sentence(question.get_for_role_display())}
                    if question.for_role
                    else ""
                ),
            )

    def skill_rows(self):
        return [(self[f"skill_{i}"], self[f"level_{i}"]) for i in range(SKILL_ROWS)]

    def question_fields(self):
        return [self[f"question_{q.pk}"] for q in self.questions]

    def clean_languages(self) -> list[str]:
        names = [" ".join(n.split()).capitalize() for n in self.cleaned_data["languages"].split(",") if n.strip()]
        if not names:
            raise ValidationError(_("Name at least one language."))
        if len(names) > 6 or any(len(n) > 40 for n in names):
            raise ValidationError(_("At most six languages, each a short name."))
        return list(dict.fromkeys(names))

    def clean(self):
        data = super().clean()
        choices = []
        for i in range(SKILL_ROWS):
            if skill_pk := data.get(f"skill_{i}"):
                level = data.get(f"level_{i}") or ApplicationSkill.Level.WORKING
                choices.append(SkillChoice(skill=self.skills[skill_pk], level=level))
        data["skills"] = choices
        role = data.get("role")
        data["answers"] = {}
        for question in self.questions:
            answer = (data.get(f"question_{question.pk}") or "").strip()
            if question.for_role and question.for_role != role:
                continue
            if question.required and not answer:
                self.add_error(f"question_{question.pk}", _("Please answer this question."))
            data["answers"][question.pk] = answer
        if role == Role.MENTOR and not data.get("capacity"):
            self.add_error("capacity", _("Say how many mentees you could take on."))
        return data


class EndorsementForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("endorse", gettext_lazy("Endorse")), ("decline", gettext_lazy("Do not endorse"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Needed when you do not endorse it: the applicant and the coordinators see it."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("approve", gettext_lazy("Approve")),
            ("waitlist", gettext_lazy("Wait-list")),
            ("decline", gettext_lazy("Decline")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Needed when you decline: the applicant sees it."),
    )


class IdsField(forms.Field):
    """Ticked checkboxes sharing one name: a list of ids (anything else is refused, never a 500)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": gettext_lazy("Tick at least one application."),
        "invalid": gettext_lazy("Tick applications from the list."),
    }

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, (list, tuple)) else ([value] if value else [])
        if not all(isinstance(v, str) and v.isascii() and v.isdecimal() and 0 < len(v) <= 10 for v in values):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return [int(v) for v in values]


class BulkDecisionForm(DecisionForm):
    """Several applications ticked on the list, one decision and one reason for all of them."""

    applications = IdsField(label=gettext_lazy("Applications"))
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=DecisionForm.base_fields["decision"].choices,
        error_messages={
            "required": gettext_lazy("Choose approve, wait-list or decline."),
            "invalid_choice": gettext_lazy("Choose approve, wait-list or decline."),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Needed when you decline: each applicant sees it."),
    )


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("Any status")), *Application.Status.choices],
        required=False,
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=[
            ("", gettext_lazy("Mentors and mentees")),
            (Role.MENTOR, gettext_lazy("Mentors")),
            (Role.MENTEE, gettext_lazy("Mentees")),
        ],
        required=False,
    )
    endorsement = forms.ChoiceField(
        label=gettext_lazy("Endorsement"),
        choices=[("", gettext_lazy("Any endorsement")), *Application.Endorsement.choices],
        required=False,
    )


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        # The model's fields without a verbose name of their own (adding one would need a migration).
        labels = {
            "name": gettext_lazy("Name"),
            "description": gettext_lazy("Description"),
            "goals": gettext_lazy("Goals"),
            "starts_on": gettext_lazy("Starts on"),
            "ends_on": gettext_lazy("Ends on"),
        }
        help_texts = {  # the terms a new coordinator may not know
            "intensive_checkins": TERMS["intensive_start"],
            "intensive_days": gettext_lazy("Counted from the pairing's first day; 0 means no intensive start."),
            "escalation_grace_days": TERMS["grace_days"],
        }
        fields = [
            "name",
            "description",
            "goals",
            "starts_on",
            "ends_on",
            "checkin_cadence_days",
            "intensive_checkins",
            "intensive_days",
            "escalation_grace_days",
            "mentor_hours_per_month",
            "mentee_hours_per_month",
            "default_mentor_capacity",
            "endorsement_reminder_days",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "goals": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The programme cannot end before it starts."))
        return data


class ProgrammeStartForm(ProgrammeForm):
    """Starting a programme asks what matters first; check-ins, time and capacity keep their defaults until the
    coordinator changes them in the settings."""

    class Meta(ProgrammeForm.Meta):
        fields = ["name", "description", "starts_on", "ends_on"]
        help_texts = {
            "description": gettext_lazy(
                "What the programme offers and who it is for; applicants read it before they apply."
            ),
            "starts_on": gettext_lazy("Needed before you open enrolment; you can set it later."),
        }


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Their email address"))
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=[(Role.COORDINATOR, gettext_lazy("Coordinator")), (Role.COMMITTEE, gettext_lazy("Committee member"))],
    )
    # Set only on the confirmation page shown when the person is a mentor or mentee of the programme.
    participant_confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_email(self) -> Person:
        person = Person.objects.filter(email__iexact=self.cleaned_data["email"], is_active=True).first()
        if person is None:
            raise ValidationError(_("Nobody with that email address has an account in Tandem."))
        return person


class QuestionForm(forms.Form):
    text = SingleLineFormField(label=gettext_lazy("Question"), max_length=300)
    for_role = forms.ChoiceField(
        label=gettext_lazy("Ask"),
        choices=[
            ("", gettext_lazy("Everyone")),
            (Role.MENTOR, gettext_lazy("Mentors only")),
            (Role.MENTEE, gettext_lazy("Mentees only")),
        ],
        required=False,
    )
    required = forms.BooleanField(required=False, label=gettext_lazy("An answer is required"))


class SkillForm(forms.Form):
    name = SingleLineFormField(label=gettext_lazy("Name"), max_length=80)
    description = SingleLineFormField(label=gettext_lazy("Description"), max_length=200, required=False)


class SkillMergeForm(forms.Form):
    source = forms.ModelChoiceField(queryset=Skill.objects.canonical(), label=gettext_lazy("Merge this synonym"))
    target = forms.ModelChoiceField(queryset=Skill.objects.canonical(), label=gettext_lazy("into this skill"))

    def clean(self):
        data = super().clean()
        if data.get("source") and data.get("source") == data.get("target"):
            raise ValidationError(_("Choose two different skills."))
        return data
