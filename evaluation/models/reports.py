"""Committee reports: figures about groups, frozen in ``snapshot`` when a report is submitted."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.single_line import SingleLineCharField
from programmes.models import Person, Programme


class Report(models.Model):
    """A programme's evaluation for a period: the coordinator writes the narrative; submitting freezes every
    figure in ``snapshot`` (the report reads the same forever); the committee reviews, decides and signs off."""

    class Status(models.TextChoices):
        DRAFT = "draft", gettext_lazy("Draft")
        SUBMITTED = "submitted", gettext_lazy("Submitted")
        UNDER_REVIEW = "under_review", gettext_lazy("Under review")
        PUBLISHED = "published", gettext_lazy("Published")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="reports")
    title = SingleLineCharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    narrative = models.TextField(gettext_lazy("the coordinator's narrative"), blank=True, max_length=20000)
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="report_period_ordered"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(snapshot__isnull=False), name="report_frozen_once_submitted"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("evaluation:report_detail", args=[self.pk])


class ReportComment(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment on {self.report}"


class ReportDecision(models.Model):
    """A decision or recommendation the committee records on a report.

    A decision is followed through: it has an owner (a coordinator of the programme, or a line manager of one of
    its participants), a due date and a status the owner keeps up to date with what was done; the programme's
    next report lists it until it is closed (``services/decisions.py``)."""

    class Kind(models.TextChoices):
        DECISION = "decision", gettext_lazy("Decision")
        RECOMMENDATION = "recommendation", gettext_lazy("Recommendation")

    class Status(models.TextChoices):
        OPEN = "open", gettext_lazy("Open")
        IN_PROGRESS = "in_progress", gettext_lazy("In progress")
        DONE = "done", gettext_lazy("Done")
        DROPPED = "dropped", gettext_lazy("Dropped")

    CLOSED = (Status.DONE, Status.DROPPED)

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="decisions")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="report_decisions_owned"
    )
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    # What was done, in the owner's words (the committee reads it in the next report).
    outcome = models.TextField(gettext_lazy("what was done"), blank=True, max_length=5000)
    # The day it was done or dropped: the next report lists what was open at its start or closed during it.
    closed_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["done", "dropped"], closed_on__isnull=False)
                | (~Q(status__in=["done", "dropped"]) & Q(closed_on__isnull=True)),
                name="reportdecision_closed_on_when_closed",
            ),
        ]
        indexes = [models.Index(fields=["owner", "status"], name="reportdecision_owner_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.report}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:decision_update", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED

    def is_overdue(self, today) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today


class ReportDecisionUpdate(models.Model):
    """One change of a decision's status or of what was done: the history the committee can read."""

    decision = models.ForeignKey(ReportDecision, on_delete=models.CASCADE, related_name="updates")
    by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=ReportDecision.Status.choices)
    outcome = models.TextField(blank=True, max_length=5000)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"Update of {self.decision}"


class ReportSignOff(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sign_offs")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "person"], name="report_signed_once_per_person")]

    def __str__(self) -> str:
        return f"{self.person} signed off {self.report}"


class FiguresChange(models.Model):
    """A transaction that wrote to a table a committee report's figures read (PostgreSQL only): one row per
    transaction and programme, ``programme_id`` 0 for a table that is not any one programme's (people, teams,
    courses, training). Written by the database's own triggers (migration ``0008_draft_figures``), so no write
    path can forget it: a bulk update, a data migration or a hand-run statement leaves its row too.
    ``xact`` is the transaction's id, which says whether a stored draft's figures saw it
    (``services/draft_figures.py``). Purged after two days (``figure_changes_purge``)."""

    programme_id = models.IntegerField()  # not a foreign key: a programme's deletion is a change too
    xact = models.BigIntegerField()
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["xact", "programme_id"], name="figures_change_once")]
        indexes = [models.Index(fields=["at"], name="figures_change_at")]

    def __str__(self) -> str:
        return f"Change to programme {self.programme_id or 'every programme'} in transaction {self.xact}"


class DraftFigures(models.Model):
    """A draft report's figures as last worked out, kept while nothing they read has changed since
    (``services/draft_figures.py``): everything ``report_snapshot`` gives except the title and narrative,
    which are read from the report itself. Figures about groups only, suppressed, like ``Report.snapshot``."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="+")
    content = models.JSONField()
    code = models.CharField(max_length=64)  # what worked them out: the reporting code and its settings, hashed
    computed_on = models.DateField()  # the figures of an unfinished period depend on the day
    computed_at = models.DateTimeField()
    db_snapshot = models.TextField()  # the database snapshot they were read in (pg_current_snapshot())

    def __str__(self) -> str:
        return f"Figures of {self.report_id}"
