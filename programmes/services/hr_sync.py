"""The nightly HR file: a file the HR system drops in a folder the server reads (say by SFTP), imported every night
through the sync mapping and the people import's preview rules.

A run reads the newest file matching the mapping's pattern in its folder, which must lie under
``TANDEM_HR_SYNC_ROOT``. A file already read (same SHA-256) does nothing. Runs never overlap: a run holds the one
open run row (``HrSyncRun.is_open``, unique) from its start until it is applied, discarded or failed. A run that
would make more than the mapping's share of people leave (status "left" or no longer in the file) or change more
than its share of line managers waits for an administrator to confirm or discard it; they are told.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import HrSyncRun, PeopleImport, PeopleImportMapping, Person
from .notifications import notification_send
from .people_import import MAX_BYTES, people_import_apply, people_import_discard, people_import_text
from .people_import_file import _decode

# A run still "running" after this long was cut off (the worker died): it no longer blocks the next one.
STALE_AFTER = datetime.timedelta(hours=2)


def hr_sync_root() -> Path | None:
    root = settings.TANDEM_HR_SYNC_ROOT
    return Path(root).resolve() if root else None


def hr_sync_folder(folder: str) -> Path:
    """The folder, resolved (symbolic links and ".." followed), if it lies under the allowed root; else why not."""
    root = hr_sync_root()
    if root is None:
        raise ValidationError(
            _(
                "The nightly HR file is switched off on this server: TANDEM_HR_SYNC_ROOT is not set. Ask whoever runs "
                "the server to set it to the folder the HR files are dropped under."
            )
        )
    path = (root / folder).resolve() if folder else root
    if path != root and root not in path.parents:
        raise ValidationError(
            _("The folder %(folder)s is outside %(root)s, the only place Tandem reads HR files from.")
            % {"folder": folder, "root": root}
        )
    return path


def hr_sync_pattern_errors(pattern: str) -> list[str]:
    if not pattern or "/" in pattern or "\\" in pattern or ".." in pattern:
        return [_("The file name pattern is a name with * wildcards (for example people-*.csv), without folders.")]
    return []


def hr_sync_newest_file(mapping: PeopleImportMapping) -> Path | None:
    """The newest file (by modification time, then name) matching the pattern in the folder, or None."""
    folder = hr_sync_folder(mapping.sync_folder)
    if not folder.is_dir():
        raise ValidationError(_("The folder %(folder)s does not exist or cannot be read.") % {"folder": folder})
    root = hr_sync_root()
    files = [p for p in folder.glob(mapping.sync_pattern) if p.is_file() and root in p.resolve().parents]
    return max(files, key=lambda p: (p.stat().st_mtime, p.name), default=None)


def _administrators() -> list[Person]:
    return list(Person.objects.filter(is_staff=True, is_active=True))


def _tell(run: HrSyncRun, text: Callable[[], str]) -> None:
    notification_send(
        people=_administrators(),
        text=text,
        url=reverse("programmes:hr_sync_run_detail", args=[run.pk]),
        email_subject=gettext_lazy("Tandem: the nightly HR file needs you"),
    )


def _finish(run: HrSyncRun, status: str, message: str = "") -> HrSyncRun:
    run.status, run.message = status, message
    if status != HrSyncRun.Status.WAITING:
        run.finished_at, run.is_open = timezone.now(), None
    run.save()
    return run


def _claim(now: datetime.datetime) -> HrSyncRun | None:
    """Open a run, or None when another is open (running, or waiting for confirmation)."""
    HrSyncRun.objects.filter(is_open=True, status=HrSyncRun.Status.RUNNING, started_at__lt=now - STALE_AFTER).update(
        status=HrSyncRun.Status.FAILED, message=_("Stopped without finishing (the worker was cut off)."), is_open=None
    )
    try:
        with transaction.atomic():
            return HrSyncRun.objects.create(started_at=now)
    except IntegrityError:
        return None


def hr_sync_run(*, now: datetime.datetime | None = None) -> HrSyncRun | None:
    """Read the nightly HR file once. Returns the run, or None when there is nothing to do: the sync is off, no
    mapping, another run is open, or the newest file was read before."""
    now = now or timezone.now()
    mapping = PeopleImportMapping.objects.filter(purpose=PeopleImportMapping.Purpose.SYNC, sync_enabled=True).first()
    if mapping is None or hr_sync_root() is None:
        return None
    run = _claim(now)
    if run is None:
        return None
    try:
        path = hr_sync_newest_file(mapping)
        if path is None:
            return _failed(
                run,
                _("No file matching %(pattern)s in %(folder)s.")
                % {"pattern": mapping.sync_pattern, "folder": hr_sync_folder(mapping.sync_folder)},
            )
        data = path.read_bytes()[: MAX_BYTES + 1]
        if len(data) > MAX_BYTES:
            return _failed(
                run,
                _("The file %(name)s is larger than %(limit)s MB, the limit.")
                % {"name": path.name, "limit": MAX_BYTES // 1024 // 1024},
            )
        digest = hashlib.sha256(data).hexdigest()
        if HrSyncRun.objects.filter(content_hash=digest).exclude(pk=run.pk).exists():
            run.delete()  # the same file as an earlier run: nothing new, and no row for it
            return None
        run.file_name, run.content_hash = path.name, digest
        run.people_import = people_import_text(text=_decode(data), filename=path.name, mapping=mapping)
    except ValidationError as exc:
        return _failed(run, " ".join(exc.messages))
    return _judge(run, mapping)


def _failed(run: HrSyncRun, message: str) -> HrSyncRun:
    _finish(run, HrSyncRun.Status.FAILED, message)
    _tell(run, lambda: _("The nightly HR file was not imported: %(message)s") % {"message": message})
    return run


def _judge(run: HrSyncRun, mapping: PeopleImportMapping) -> HrSyncRun:
    """Apply the run's preview, or stop it: rows with errors fail it; too many leavers or manager changes make
    it wait for an administrator."""
    summary = run.people_import.summary
    run.summary = {k: v for k, v in summary.items() if isinstance(v, int)}
    if summary["error"]:
        return _failed(
            run,
            _("%(count)s row(s) of %(name)s have errors, so nothing was imported.")
            % {"count": summary["error"], "name": run.file_name},
        )
    if not (summary["create"] or summary["update"] or summary["flag"]):
        run.people_import.status = PeopleImport.Status.DISCARDED
        run.people_import.save(update_fields=["status"])
        return _finish(run, HrSyncRun.Status.UNCHANGED)
    people = Person.objects.filter(is_active=True, is_staff=False, is_superuser=False).count()
    leavers = summary["deactivate"] + summary["flag"]
    reasons = []
    if people and leavers * 100 > mapping.max_leavers_percent * people:
        # Both count as leaving for the valve: a status that says so, and no longer being in the file at all
        # (a cut-off export looks exactly like that). The message says which, so it matches the counts shown.
        parts = [
            _("%(count)s marked as left") % {"count": summary["deactivate"]} if summary["deactivate"] else "",
            _("%(count)s missing from the file") % {"count": summary["flag"]} if summary["flag"] else "",
        ]
        reasons.append(
            _("%(leavers)s of %(people)s people would leave (%(parts)s; %(percent)s%%, above the %(max)s%% set)")
            % {
                "leavers": leavers,
                "people": people,
                "parts": get_text_list([p for p in parts if p], _("and")),
                "percent": number_format(leavers * 100 / people, decimal_pos=1),
                "max": mapping.max_leavers_percent,
            }
        )
    changes = summary.get("manager_changes", 0)
    if people and changes * 100 > mapping.max_manager_changes_percent * people:
        reasons.append(
            _("%(changes)s of %(people)s people would change line manager (%(percent)s%%, above the %(max)s%% set)")
            % {
                "changes": changes,
                "people": people,
                "percent": number_format(changes * 100 / people, decimal_pos=1),
                "max": mapping.max_manager_changes_percent,
            }
        )
    if reasons:
        message = _("%(reasons)s. Check the preview, then confirm or discard the run.") % {
            "reasons": "; ".join(reasons)
        }
        _finish(run, HrSyncRun.Status.WAITING, message)
        _tell(
            run,
            lambda: (
                _("The nightly HR file %(name)s waits for your confirmation: %(message)s")
                % {"name": run.file_name, "message": message}
            ),
        )
        return run
    return hr_sync_apply(run=run)


def hr_sync_apply(*, run: HrSyncRun) -> HrSyncRun:
    """Apply a run's preview (as the system: no uploader's limits); a refusal fails the run with its reason."""
    try:
        people_import_apply(people_import=run.people_import, by=None)
    except ValidationError as exc:
        return _failed(run, " ".join(exc.messages))
    return _finish(run, HrSyncRun.Status.APPLIED)


@transaction.atomic
def hr_sync_confirm(*, run: HrSyncRun, by: Person) -> HrSyncRun:
    """An administrator confirms a waiting run: it is applied by a task after commit (thousands of rows)."""
    from ..tasks import apply_hr_sync_run

    locked = HrSyncRun.objects.select_for_update().get(pk=run.pk)
    if locked.status != HrSyncRun.Status.WAITING or locked.people_import is None:
        raise ValidationError(_("Only a run waiting for confirmation can be confirmed."))
    locked.status, locked.confirmed_by = HrSyncRun.Status.RUNNING, by
    locked.save(update_fields=["status", "confirmed_by"])
    transaction.on_commit(lambda: apply_hr_sync_run.delay(locked.pk))
    return locked


def hr_sync_apply_task(*, run_id: int) -> HrSyncRun | None:
    """The task's work: apply a confirmed run still running; any other state (an earlier delivery) is left."""
    run = HrSyncRun.objects.filter(pk=run_id, status=HrSyncRun.Status.RUNNING, confirmed_by__isnull=False).first()
    return hr_sync_apply(run=run) if run else None


@transaction.atomic
def hr_sync_discard(*, run: HrSyncRun, by: Person) -> HrSyncRun:
    """An administrator discards a waiting run: nothing of it is applied, and the next file can run."""
    locked = HrSyncRun.objects.select_for_update().get(pk=run.pk)
    if locked.status != HrSyncRun.Status.WAITING:
        raise ValidationError(_("Only a run waiting for confirmation can be discarded."))
    if locked.people_import is not None:
        people_import_discard(people_import=locked.people_import, by=by, by_run=True)
    locked.confirmed_by = by
    return _finish(locked, HrSyncRun.Status.DISCARDED)


@transaction.atomic
def hr_sync_settings_save(*, mapping: PeopleImportMapping, by: Person) -> PeopleImportMapping:
    """Save where the nightly file is and the safety valves; the folder must lie under the allowed root."""
    errors = hr_sync_pattern_errors(mapping.sync_pattern)
    if mapping.sync_enabled or mapping.sync_folder:
        try:
            hr_sync_folder(mapping.sync_folder)
        except ValidationError as exc:
            errors += exc.messages
    if mapping.sync_enabled and not mapping.columns:
        errors.append(_("Map the columns from a sample file first; then the nightly file can be switched on."))
    if errors:
        raise ValidationError(errors)
    mapping.updated_by, mapping.updated_at = by, timezone.now()
    mapping.full_clean()
    mapping.save()
    return mapping
