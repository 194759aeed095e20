"""A people import from an HR system's CSV: parsed once, previewed, then applied by a Celery task.

The column mapping (``PeopleImportMapping``) says which of the file's columns holds which Tandem field; the
nightly HR file (``HrSyncRun``) reads a file the server can see with the sync mapping, through the same preview.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from .core import Person


class PeopleImport(models.Model):
    class Status(models.TextChoices):
        MAPPING = "mapping", gettext_lazy("Columns to map")
        PREVIEW = "preview", gettext_lazy("Previewed")
        APPLYING = "applying", gettext_lazy("Applying")
        APPLIED = "applied", gettext_lazy("Applied")
        FAILED = "failed", gettext_lazy("Failed")
        DISCARDED = "discarded", gettext_lazy("Discarded")

    uploaded_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(max_length=255)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEW)
    # The file as text, kept until it is applied or discarded, so that its columns can be mapped again.
    source = models.TextField(blank=True, default="")
    # The mapping the rows were read with (PeopleImportMapping.columns' shape); {} for the standard headings.
    mapping = models.JSONField(default=dict, blank=True)
    # The parsed rows with their outcome ("create", "update", "unchanged", "error") and reasons: what the
    # preview showed is exactly what confirming applies (re-checked against the database at that moment).
    rows = models.JSONField(default=list)
    summary = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)
    # Applying runs in a Celery task: the page polls these (rows checked so far / rows in the file).
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True, default="")  # why applying failed, in words for the page

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display().lower()})"

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.APPLIED:
            return 100
        return min(100, self.progress_done * 100 // self.progress_total) if self.progress_total else 0


class PeopleImportMapping(models.Model):
    """Which column of an HR file holds which Tandem field, saved once and used again.

    ``purpose`` "upload" is the mapping an upload remembers; "sync" is the nightly HR file's, with where the file
    is and the safety valves. ``columns`` maps a field (people_import_mapping.FIELDS) to a heading of the file;
    ``status_active``/``status_left`` list the status values meaning here / gone; ``date_format`` is a strptime
    format from people_import_mapping.DATE_FORMATS.
    """

    class Purpose(models.TextChoices):
        UPLOAD = "upload", gettext_lazy("Upload")
        SYNC = "sync", gettext_lazy("Nightly HR file")

    purpose = models.CharField(max_length=10, choices=Purpose.choices, unique=True)
    columns = models.JSONField(default=dict, blank=True)
    status_active = models.JSONField(default=list, blank=True)
    status_left = models.JSONField(default=list, blank=True)
    date_format = models.CharField(max_length=20, default="%Y-%m-%d")
    # An HR file brings new departments over time: on, a team path Tandem does not have is created on applying
    # (each part under the one before it); off, such a row is an error.
    create_teams = models.BooleanField(
        gettext_lazy("Create teams the file names that Tandem does not have yet"), default=True
    )
    # The nightly file: a folder under TANDEM_HR_SYNC_ROOT and a glob; the newest matching file is read.
    sync_enabled = models.BooleanField(gettext_lazy("read the file every night"), default=False)
    sync_folder = models.CharField(gettext_lazy("folder"), max_length=500, blank=True, default="")
    sync_pattern = models.CharField(gettext_lazy("file name pattern"), max_length=100, default="*.csv")
    max_leavers_percent = models.PositiveSmallIntegerField(
        gettext_lazy("wait for confirmation above this share of leavers (%)"), default=5
    )
    max_manager_changes_percent = models.PositiveSmallIntegerField(
        gettext_lazy("wait for confirmation above this share of line manager changes (%)"), default=10
    )
    updated_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} column mapping"

    def clean(self) -> None:
        from ..services.people_import_mapping import mapping_errors

        if self.columns:  # a nightly-file mapping may have its settings saved before its columns are mapped
            mapping_errors(self, raise_=True)


class HrSyncRun(models.Model):
    """One run of the nightly HR file: its file, its preview (``people_import``) and what came of it."""

    class Status(models.TextChoices):
        RUNNING = "running", gettext_lazy("Running")
        WAITING = "waiting", gettext_lazy("Waiting for confirmation")
        APPLIED = "applied", gettext_lazy("Applied")
        UNCHANGED = "unchanged", gettext_lazy("Nothing to change")
        DISCARDED = "discarded", gettext_lazy("Discarded")
        FAILED = "failed", gettext_lazy("Failed")

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    file_name = models.CharField(max_length=255, blank=True, default="")
    content_hash = models.CharField(max_length=64, blank=True, default="")
    people_import = models.ForeignKey(
        PeopleImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="sync_runs"
    )
    summary = models.JSONField(default=dict, blank=True)  # the preview's counts, kept when the preview is purged
    message = models.TextField(blank=True, default="")  # why it waits or failed
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # True while the run is running or waiting, NULL once it is over: runs never overlap, because the database
    # refuses a second open run (NULLs are distinct under a unique constraint).
    is_open = models.BooleanField(null=True, default=True, editable=False)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["is_open"], name="hr_sync_one_open_run")]

    def __str__(self) -> str:
        return f"HR file {self.file_name or '(none)'} ({self.get_status_display().lower()})"
