"""Surveys (including the learning-environment audit): templates, questions, rounds, invitations, responses.

Privacy: an anonymous survey's response carries no person (only a keyed hash to stop a second answer).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from core.single_line import SingleLineCharField
from mentoring.models import Pairing
from programmes.models import OrgUnit, Person, Programme


class Survey(models.Model):
    """A questionnaire: a programme's own, or one of the built-ins (``programme`` empty, ``kind`` set)."""

    class Kind(models.TextChoices):
        CUSTOM = "custom", gettext_lazy("Custom")
        HEALTH = "health", gettext_lazy("Relationship health check")
        END = "end", gettext_lazy("End-of-relationship survey")
        FEEDBACK = "feedback", gettext_lazy("Programme feedback")
        LEARNING_ENVIRONMENT = "learning_environment", gettext_lazy("Learning-environment audit")

    programme = models.ForeignKey(Programme, null=True, blank=True, on_delete=models.CASCADE, related_name="surveys")
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.CUSTOM)
    title = SingleLineCharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)
    anonymous = models.BooleanField(
        default=False,
        help_text=gettext_lazy("Answers are stored without any link to the person that a coordinator can read."),
    )
    # The learning-environment audit's items are the organisation's to edit: each edit after a round was sent
    # makes a new version (a new built-in row, the old one kept with its questions), so a round keeps the exact
    # items it was sent with. The other built-ins stay at version 1; a programme's own survey has one version.
    version = models.PositiveSmallIntegerField(default=1)
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "version"]
        constraints = [
            # One built-in of each kind and version; programmes add their own custom surveys.
            models.UniqueConstraint(
                fields=["kind", "version"],
                condition=Q(programme__isnull=True) & ~Q(kind="custom"),
                name="survey_one_builtin_per_kind_version",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    # A built-in's title and description are the catalogue's English (services.surveys.BUILTIN, marked there),
    # so each reader gets them in their language; a programme's own survey reads as its coordinators wrote it.
    @property
    def display_title(self) -> str:
        return gettext(self.title) if self.programme_id is None and self.title else self.title

    @property
    def display_description(self) -> str:
        return gettext(self.description) if self.programme_id is None and self.description else self.description


class Question(models.Model):
    class Kind(models.TextChoices):
        LIKERT = "likert", gettext_lazy("Scale of 1 to 5")
        CHOICE = "choice", gettext_lazy("One choice")
        TEXT = "text", gettext_lazy("Free text")

    # The learning-environment audit's dimensions (the source text's three kinds of opportunity, reflection,
    # support, and from version 2 the expansive features of Fuller and Unwin's continuum the first five leave out);
    # a heat map shows each team's mean on each. Values never change meaning: the trend compares them across
    # versions of the items.
    class Dimension(models.TextChoices):
        NONE = "", gettext_lazy("—")
        COMMUNITIES = "communities", gettext_lazy("Diverse communities of practice")
        CO_CONSTRUCTION = "co_construction", gettext_lazy("Jobs organised for co-constructing knowledge")
        COURSES = "courses", gettext_lazy("Off-the-job courses towards qualifications")
        REFLECTION = "reflection", gettext_lazy("Time for reflection")
        SUPPORT = "support", gettext_lazy("Support from managers and colleagues")
        TRANSITION = "transition", gettext_lazy("A gradual, supported start for newcomers")
        BOUNDARIES = "boundaries", gettext_lazy("Learning across boundaries")
        PROGRESSION = "progression", gettext_lazy("Recognised as learners, with a vision of progression")
        CURRICULUM = "curriculum", gettext_lazy("A planned workplace curriculum")
        FACILITATION = "facilitation", gettext_lazy("Managers as facilitators of development")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.LIKERT)
    choices = models.JSONField(
        default=list, blank=True, help_text=gettext_lazy("The options of a one-choice question.")
    )
    required = models.BooleanField(default=True)
    dimension = models.CharField(max_length=30, choices=Dimension.choices, blank=True, default="")
    # The question in the other languages of LANGUAGES ({"de": "...", "es": "..."}), written by the coordinator
    # (the built-ins ship with theirs); a language without one shows ``text``, the English.
    translations = models.JSONField(
        default=dict, blank=True, help_text=gettext_lazy("The question in other languages, by language code.")
    )

    class Meta:
        ordering = ["survey", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    def text_in(self, language: str | None = None) -> str:
        """The question in ``language`` (default: the active one), else the catalogue's (a built-in's text is
        marked there), else the English as written."""
        code = (language or translation.get_language() or "").split("-")[0]
        if found := (self.translations or {}).get(code):
            return found
        if language:
            with translation.override(language):
                return gettext(self.text) if self.text else self.text
        return gettext(self.text) if self.text else self.text


class SurveyRound(models.Model):
    """One sending of a survey to a programme's people: opened, reminded once, closed."""

    class Status(models.TextChoices):
        DRAFT = "draft", gettext_lazy("Draft")
        OPEN = "open", gettext_lazy("Open")
        CLOSED = "closed", gettext_lazy("Closed")

    class Audience(models.TextChoices):
        PARTICIPANTS = "participants", gettext_lazy("Mentors and mentees")
        MENTORS = "mentors", gettext_lazy("Mentors")
        MENTEES = "mentees", gettext_lazy("Mentees")
        PAIRS = "pairs", gettext_lazy("Both sides of each pairing")

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="rounds")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="survey_rounds")
    title = SingleLineCharField(max_length=200)
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.PARTICIPANTS)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    opens_on = models.DateField(default=timezone.localdate)
    closes_on = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)  # the one reminder, claimed by a conditional update
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="surveyround_closes_after_open"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """An automatic round is named after its built-in survey: in the reader's language, like the survey."""
        return self.survey.display_title if self.title == self.survey.title else self.title


class SurveyInvitation(models.Model):
    """Who is asked, about which pairing (health checks and end-of-relationship surveys), and whether they
    answered. For an anonymous survey this says only *that* someone answered, never which answer is theirs."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="survey_invitations")
    pairing = models.ForeignKey(Pairing, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField(default=timezone.localdate)
    responded_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "person", "pairing", "due_on"], name="invitation_once_per_person_pairing_due"
            ),
        ]
        indexes = [models.Index(fields=["person", "responded_at"], name="invitation_person_open")]

    def __str__(self) -> str:
        return f"Invitation to {self.person} for {self.round}"


class SurveyResponse(models.Model):
    """One person's answers in one round. Anonymous: ``person`` and ``pairing`` stay empty and only
    ``respondent_hash`` (an HMAC of round and person under the server's secret) stops a second answer."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="responses")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    pairing = models.ForeignKey(Pairing, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    respondent_hash = models.CharField(max_length=64)
    # Context kept for figures about groups (shown only for groups of at least 5).
    team = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    role = models.CharField(max_length=20, blank=True)
    may_quote = models.BooleanField(
        gettext_lazy("the committee may quote my comments (without my name)"), default=False
    )
    submitted_on = models.DateField(default=timezone.localdate)  # a date, not a time: less to correlate
    # The sum and number of the response's Likert answers, written with them (surveys._response_record), so
    # the dashboard's health trend adds up one row per response rather than every answer.
    likert_total = models.PositiveIntegerField(default=0, editable=False)
    likert_answers = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "respondent_hash"], name="response_once_per_respondent"),
        ]

    def __str__(self) -> str:
        return f"Response #{self.pk} to {self.round}"


class Answer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    likert = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    choice = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True, max_length=5000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once_per_question"),
            models.CheckConstraint(
                condition=Q(likert__isnull=True) | Q(likert__gte=1, likert__lte=5), name="answer_likert_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"Answer #{self.pk}"
