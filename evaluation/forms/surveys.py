"""Forms of the survey part: templates, questions, rounds, and the answer form."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.single_line import SingleLineFormField

from ..models import Question, SurveyRound
from ..services.surveys import LIKERT_LABELS, TEXT_MAX_CHARS, options_clean, question_languages

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SurveyForm(forms.Form):
    title = SingleLineFormField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Shown to everyone asked, above the questions."),
    )
    anonymous = forms.BooleanField(
        label=gettext_lazy("Anonymous"),
        required=False,
        help_text=gettext_lazy(
            "Answers are stored without any link to the person; comments are shown only once five people "
            "have answered. Cannot change once the survey is sent."
        ),
    )


class QuestionForm(forms.Form):
    text = SingleLineFormField(label=gettext_lazy("Question"), max_length=300)
    kind = forms.ChoiceField(label=gettext_lazy("Kind of answer"), choices=Question.Kind.choices)
    choices = forms.CharField(
        label=gettext_lazy("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("For a one-choice question: one option a line, 2 to 12 of them."),
    )
    required = forms.BooleanField(
        label=gettext_lazy("Required"),
        required=False,
        initial=True,
        help_text=gettext_lazy("People must answer it to send the survey."),
    )
    dimension = forms.ChoiceField(
        label=gettext_lazy("Learning-environment dimension"),
        required=False,
        choices=Question.Dimension.choices,
        help_text=gettext_lazy("Optional, for scale questions: the team heat map shows each dimension's mean."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # One optional field per other language, labelled in that language's own name (as its readers know it).
        for code, name in question_languages():
            self.fields[self.translation_field(code)] = SingleLineFormField(
                label=name,
                required=False,
                max_length=300,
                help_text=_("Optional: people who read Tandem in this language see it; without it, the English."),
            )

    @staticmethod
    def translation_field(code: str) -> str:
        return "text_" + code.replace("-", "_")

    @classmethod
    def initial_for(cls, question: Question) -> dict:
        initial = {
            "text": question.text,
            "kind": question.kind,
            "choices": "\n".join(question.choices),
            "required": question.required,
            "dimension": question.dimension,
        }
        for code, _name in question_languages():
            initial[cls.translation_field(code)] = (question.translations or {}).get(code, "")
        return initial

    def clean(self) -> dict:
        data = super().clean()
        data["translations"] = {
            code: data.pop(self.translation_field(code), "") or "" for code, _name in question_languages()
        }
        kind = data.get("kind")
        if kind:
            try:
                data["choices"] = options_clean(kind, (data.get("choices") or "").splitlines())
            except ValidationError as exc:
                for field, errors in exc.error_dict.items():
                    self.add_error(field, errors)
            if data.get("dimension") and kind != Question.Kind.LIKERT:
                self.add_error(
                    "dimension", _("Only questions on the scale of 1 to 5 can describe the learning environment.")
                )
        return data


class RoundForm(forms.Form):
    title = SingleLineFormField(
        label=gettext_lazy("Title"),
        max_length=200,
        help_text=gettext_lazy("What people see, e.g. “Programme feedback: mid-point”."),
    )
    audience = forms.ChoiceField(label=gettext_lazy("Who is asked"), choices=SurveyRound.Audience.choices)
    opens_on = forms.DateField(
        label=gettext_lazy("Opens on"), widget=DATE, help_text=gettext_lazy("Everyone asked is told on this day.")
    )
    closes_on = forms.DateField(
        label=gettext_lazy("Closes on"), widget=DATE, help_text=gettext_lazy("A reminder goes a few days before.")
    )

    def clean(self) -> dict:
        data = super().clean()
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and opens_on < timezone.localdate():
            self.add_error("opens_on", _("A round cannot open in the past."))
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("The round must close on or after the day it opens."))
        return data

    @staticmethod
    def initial_for(title: str, today: datetime.date) -> dict:
        return {
            "title": title,
            "audience": SurveyRound.Audience.PARTICIPANTS,
            "opens_on": today,
            "closes_on": today + datetime.timedelta(days=14),
        }


def likert_choices() -> list[tuple[str, str]]:
    """The scale's points with their words, in the respondent's language."""
    return [(str(v), f"{v} · {_(label)}") for v, label in LIKERT_LABELS.items()]


class AnswerForm(forms.Form):
    """One field per question, named ``q<question id>``; the service checks every answer again."""

    may_quote = forms.BooleanField(
        required=False, label=gettext_lazy("The committee may quote my comments (without my name).")
    )

    def __init__(self, *args, questions: Iterable[Question], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        quote = self.fields.pop("may_quote")
        for question in self.questions:
            name = f"q{question.pk}"
            if question.kind == Question.Kind.LIKERT:
                field = forms.ChoiceField(choices=likert_choices(), widget=forms.RadioSelect)
            elif question.kind == Question.Kind.CHOICE:
                # The answer keeps the option as stored; its label is in the respondent's language when the catalogue
                # has it (the built-ins' options).
                field = forms.ChoiceField(choices=[(o, _(o)) for o in question.choices], widget=forms.RadioSelect)
            else:
                field = forms.CharField(max_length=TEXT_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 3}))
            field.label = question.text_in()  # the respondent's language, else English
            field.required = question.required
            if not question.required:
                field.help_text = _("Optional.")
            field.error_messages["required"] = _("Please answer this question.")
            field.error_messages["invalid_choice"] = _("Choose one of the options listed.")
            self.fields[name] = field
        if any(q.kind == Question.Kind.TEXT for q in self.questions):
            self.fields["may_quote"] = quote

    def answers(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}


class AuditItemForm(forms.Form):
    """An item of the learning-environment audit: its words, its dimension (items on the scale of 1 to 5), and
    its words in the other languages."""

    text = SingleLineFormField(label=gettext_lazy("Item"), max_length=300)
    dimension = forms.ChoiceField(
        label=gettext_lazy("Dimension"),
        required=False,
        choices=Question.Dimension.choices,
        help_text=gettext_lazy("What the item measures: the heat map, the trend and the team pages compare its mean."),
    )

    def __init__(self, *args, kind: str = Question.Kind.LIKERT, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind != Question.Kind.LIKERT:
            del self.fields["dimension"]  # the free-text question measures no dimension
        for code, name in question_languages():
            self.fields[QuestionForm.translation_field(code)] = SingleLineFormField(
                label=name,
                required=False,
                max_length=300,
                help_text=_("Optional: people who read Tandem in this language see it; without it, the English."),
            )

    @staticmethod
    def initial_for(question: Question) -> dict:
        initial = {"text": question.text, "dimension": question.dimension}
        for code, _name in question_languages():
            initial[QuestionForm.translation_field(code)] = (question.translations or {}).get(code, "")
        return initial

    def clean(self) -> dict:
        data = super().clean()
        data["translations"] = {
            code: data.pop(QuestionForm.translation_field(code), "") or "" for code, _name in question_languages()
        }
        data.setdefault("dimension", "")
        if self.kind == Question.Kind.LIKERT and not data.get("dimension"):
            self.add_error("dimension", _("Choose the dimension of the learning environment the item is about."))
        return data
