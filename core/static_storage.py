"""The static files storage: WhiteNoise's compressed manifest storage, forgiving a file the manifest does not know.

With DEBUG off a page links each CSS and JS file by the hashed name in STATIC_ROOT's manifest, and Django's storage
raises for a name the manifest lacks. A release that adds a static file, started before `collectstatic` ran on that
node, would then answer every page that links the file with a 500 (and email the administrators each time). Here the
page links the plain name instead: that one file may be missing until collectstatic runs, the pages still work, and
the start-up check (core.checks, tandem.W001) names the files and what to run.
"""

from __future__ import annotations

import logging

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class ForgivingManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:
            # A warning, not an error: every page view would otherwise be one more error report.
            logger.warning("static file %s is not in the manifest: run `manage.py collectstatic`", name)
            return name
