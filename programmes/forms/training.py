from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Course, Role, TrainingRecord
from ..services.training import EVIDENCE_MAX_BYTES, evidence_file_check

ACTIVE_CHOICES = [
    ("", gettext_lazy("Active and inactive")),
    ("yes", gettext_lazy("Active only")),
    ("no", gettext_lazy("Inactive only")),
]
READINESS_CHOICES = [
    ("", gettext_lazy("Everyone")),
    ("ready", gettext_lazy("Training met")),
    ("not_ready", gettext_lazy("Training not met")),
]


class CourseFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=[("", gettext_lazy("All kinds")), *Course.Kind.choices], required=False
    )
    active = forms.ChoiceField(label=gettext_lazy("Active"), choices=ACTIVE_CHOICES, required=False)


class CourseForm(forms.ModelForm):
    """Validates a course; the view hands ``cleaned_data`` to ``course_create`` / ``course_update``."""

    class Meta:
        model = Course
        # The model's fields without a verbose name of their own (adding one would need a migration).
        labels = {
            "title": gettext_lazy("Title"),
            "kind": gettext_lazy("Kind"),
            "provider": gettext_lazy("Provider"),
            "description": gettext_lazy("Description"),
            "hours": gettext_lazy("Hours"),
            "validity_months": gettext_lazy("Validity months"),
        }
        fields = [
            "title",
            "kind",
            "provider",
            "is_external",
            "hours",
            "validity_months",
            "qualification",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "hours": gettext_lazy("How long the course takes; a record's hours default to this."),
            "validity_months": gettext_lazy(
                "Months a completion stays valid. Leave empty when completing it once is enough."
            ),
        }


class CourseChoiceField(forms.ChoiceField):
    """A course from a list the view fetched up front, so rendering the form runs no query."""

    def set_courses(self, courses: Iterable[Course]) -> None:
        self.courses = {str(c.pk): c for c in courses}
        self.choices = [("", gettext_lazy("Choose a course"))] + [
            (pk, c.title if c.is_active else _("%(title)s (no longer offered)") % {"title": c.title})
            for pk, c in self.courses.items()
        ]

    def clean(self, value: Any) -> Course | None:
        value = super().clean(value)
        return self.courses[value] if value else None


class RequirementForm(forms.Form):
    role = forms.ChoiceField(
        choices=[(Role.MENTOR, gettext_lazy("Mentors")), (Role.MENTEE, gettext_lazy("Mentees"))],
        label=gettext_lazy("Who needs it"),
    )
    course = CourseChoiceField(label=gettext_lazy("Course"))

    def __init__(self, *args, courses: Iterable[Course], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].set_courses(courses)


class DateInput(forms.DateInput):
    input_type = "date"


class TrainingRecordForm(forms.Form):
    course = CourseChoiceField(label=gettext_lazy("Course"))
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=TrainingRecord.Status.choices)
    completed_on = forms.DateField(
        label=gettext_lazy("Completed on"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("Needed when the course is completed."),
    )
    hours = forms.DecimalField(
        label=gettext_lazy("Hours"),
        max_digits=5,
        decimal_places=1,
        min_value=0,
        max_value=999,
        required=False,
        help_text=gettext_lazy("Leave empty to use the course's hours."),
    )
    evidence_note = forms.CharField(
        label=gettext_lazy("Evidence note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Where the certificate is, who ran the course, anything a coordinator checked."),
    )
    evidence_file = forms.FileField(
        label=gettext_lazy("Evidence file"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
        help_text=format_lazy(
            gettext_lazy("A PDF, PNG or JPEG of at most {size} MB."), size=EVIDENCE_MAX_BYTES // (1024 * 1024)
        ),
    )
    remove_evidence = forms.BooleanField(label=gettext_lazy("Remove the current evidence file"), required=False)

    def __init__(self, *args, courses: Iterable[Course], record: TrainingRecord | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Inactive courses are not offered, except the one an existing record already has.
        if record is not None and not record.course.is_active:
            courses = sorted([*courses, record.course], key=lambda c: c.title)
        self.fields["course"].set_courses(courses)
        if record is None or not record.evidence_file:
            del self.fields["remove_evidence"]

    def clean_evidence_file(self):
        file = self.cleaned_data.get("evidence_file")
        if file:
            try:
                evidence_file_check(file)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["evidence_file"]) from exc
        return file

    def clean(self):
        data = super().clean()
        if data.get("remove_evidence") and data.get("evidence_file"):
            self.add_error("remove_evidence", _("Either remove the file or upload a new one, not both."))
        return data

    def service_kwargs(self) -> dict:
        """The cleaned data as the record services take it (``evidence_file`` False means remove)."""
        data = dict(self.cleaned_data)
        remove = data.pop("remove_evidence", False)
        data["evidence_file"] = False if remove else (data.get("evidence_file") or None)
        return data


class MatrixFilterForm(forms.Form):
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=[
            ("", gettext_lazy("Mentors and mentees")),
            (Role.MENTOR, gettext_lazy("Mentors")),
            (Role.MENTEE, gettext_lazy("Mentees")),
        ],
        required=False,
    )
    readiness = forms.ChoiceField(label=gettext_lazy("Readiness"), choices=READINESS_CHOICES, required=False)


class OverrideForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Why this person may be matched before their training is complete. Kept with the override."
        ),
    )
