"""Start-up checks an operator sees (runserver, `manage.py check`, and the WSGI module's log line for gunicorn)."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core import checks


def static_manifest_problem() -> str:
    """What to run when pages would fail for want of collected static files; empty when all is well.

    With DEBUG off the manifest storage links every CSS and JS file by its hashed name from STATIC_ROOT's
    manifest: without that file pages come without their styles and scripts, and a file the manifest lacks (added
    by a release after collectstatic last ran on this node) is linked by its plain name and not found
    (core.static_storage). With DEBUG on the plain names are served from the source folders, so nothing needs
    collecting.
    """
    if settings.DEBUG or not isinstance(staticfiles_storage, ManifestFilesMixin):
        return ""
    if not staticfiles_storage.manifest_storage.exists(staticfiles_storage.manifest_name):
        return (
            f"The static files manifest ({staticfiles_storage.manifest_name} in {settings.STATIC_ROOT}) is missing, "
            "so with DEBUG off pages would come without their styles and scripts: run `python manage.py "
            "collectstatic --noinput` (on every web node, after each release)."
        )
    uncollected = _static_files_not_in_manifest()
    if not uncollected:
        return ""
    shown = ", ".join(uncollected[:3]) + (f" and {len(uncollected) - 3} more" if len(uncollected) > 3 else "")
    return (
        f"Static files missing from the manifest ({staticfiles_storage.manifest_name} in {settings.STATIC_ROOT}): "
        f"{shown}. Pages link them by a name that is not found: run `python manage.py collectstatic --noinput` (on "
        "every web node, after each release)."
    )


def _static_files_not_in_manifest() -> list[str]:
    """The static files the finders know (what collectstatic would collect) that the manifest does not name."""
    ignore_patterns = apps.get_app_config("staticfiles").ignore_patterns
    known = staticfiles_storage.hashed_files
    found = {path for finder in finders.get_finders() for path, _ in finder.list(ignore_patterns)}
    return sorted(path for path in found if staticfiles_storage.hash_key(path) not in known)


# Untagged: runserver, migrate and `check` show it; collectstatic, which runs only the staticfiles checks, does not.
@checks.register()
def check_static_manifest(app_configs, **kwargs) -> list[checks.CheckMessage]:
    problem = static_manifest_problem()
    return [checks.Warning(problem, id="tandem.W001")] if problem else []
