"""Start-up checks an operator sees (runserver, `manage.py check`, and the WSGI module's log line for gunicorn)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core import checks


def static_manifest_problem() -> str:
    """What to run when pages would fail for want of collected static files; empty when all is well.

    With DEBUG off the manifest storage links every CSS and JS file by its hashed name from STATIC_ROOT's
    manifest: without that file every page is a 500. With DEBUG on the plain names are served from the source
    folders, so nothing needs collecting.
    """
    if settings.DEBUG or not isinstance(staticfiles_storage, ManifestFilesMixin):
        return ""
    if staticfiles_storage.manifest_storage.exists(staticfiles_storage.manifest_name):
        return ""
    return (
        f"The static files manifest ({staticfiles_storage.manifest_name} in {settings.STATIC_ROOT}) is missing, so "
        "with DEBUG off every page would fail: run `python manage.py collectstatic --noinput` (on every web node, "
        "after each release)."
    )


# Untagged: runserver, migrate and `check` show it; collectstatic, which runs only the staticfiles checks, does not.
@checks.register()
def check_static_manifest(app_configs, **kwargs) -> list[checks.CheckMessage]:
    problem = static_manifest_problem()
    return [checks.Warning(problem, id="tandem.W001")] if problem else []
