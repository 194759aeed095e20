"""Celery tasks of the organisation side. Thin: take plain values, call a service."""

from __future__ import annotations

from celery import shared_task

from core.scheduled import once_per_slot

from .services import enrolment
from .services import time as time_services
from .services.training import training_warn_expiring

# --- Enrolment ---


@shared_task
@once_per_slot
def remind_coordinators_of_silent_managers() -> int:
    return enrolment.applications_remind_silent_managers()


# --- Protected time ----------------------------------------------------------------------------------------


@shared_task
@once_per_slot
def ensure_monthly_time_allocations() -> None:
    # Runs daily: the service creates only what is missing and announces only what it created.
    time_services.allocations_ensure_running()


# --- Training records (training part) --------------------------------------------------------------------


@shared_task
@once_per_slot
def warn_expiring_training() -> dict[str, int]:
    # Daily; the sweep catches up on missed days and claims one warning row per record and expiry date.
    return training_warn_expiring()


# Audit log


@shared_task
@once_per_slot
def purge_old_audit_events() -> int:
    from .services.audit import audit_events_purge

    return audit_events_purge()


@shared_task
@once_per_slot
def purge_old_people_import_previews() -> int:
    from .services.people_import import people_imports_purge

    return people_imports_purge()


# People import and the nightly HR file


@shared_task
def apply_people_import(people_import_id: int, by_id: int | None) -> None:
    # Queued on commit by people_import_apply_queue; a second delivery finds the import no longer "applying".
    from .services.people_import import people_import_apply_task

    people_import_apply_task(people_import_id=people_import_id, by_id=by_id)


@shared_task
@once_per_slot
def run_hr_sync() -> None:
    # Nightly: a file already read (same hash) and a run still open both make this a no-op.
    from .services.hr_sync import hr_sync_run

    hr_sync_run()


@shared_task
def apply_hr_sync_run(run_id: int) -> None:
    from .services.hr_sync import hr_sync_apply_task

    hr_sync_apply_task(run_id=run_id)
