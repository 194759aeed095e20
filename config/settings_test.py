"""The test suite's settings (pytest.ini names this module): production's, from config/settings.py, read from the
environment pytest.ini sets, plus the few switches that only tests may have.

Why a module of its own rather than a TANDEM_TESTING variable read by settings.py: no production process can then
turn a test switch on (fast password hashing, uploads kept in memory) by a stray variable, and settings.py asks
nowhere whether it is under test. Everything else the suite needs (DEBUG off, a fixed SECRET_KEY and note key,
eager Celery, the in-memory email backend, no HTTPS redirect) goes through the ordinary variables in pytest.ini,
so the tests exercise the same settings code as production. A child process that must run on these settings
(the Celery worker tests) sets DJANGO_SETTINGS_MODULE=config.settings_test.
"""

import os

from config.settings import *  # noqa: F403 (every production setting, then the changes below)
from config.settings import CELERY_BEAT_SCHEDULE, STORAGES

# Hashing a password properly takes a third of a second by design; the test cast logs in hundreds of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    # Uploads stay in memory, so tests leave nothing on disk.
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    # Pages link their CSS and JS without a collected manifest, served from the finders below.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The real-process tests of beat (core/tests/test_beat_processes.py) cannot wait hours for a tick:
# TANDEM_TEST_BEAT_SECONDS makes every entry of the schedule an interval of that many seconds. Here rather than
# in settings.py, so that no production process can have its schedule changed by a stray variable.
if _beat_seconds := os.environ.get("TANDEM_TEST_BEAT_SECONDS"):
    CELERY_BEAT_SCHEDULE = {
        name: {**entry, "schedule": int(_beat_seconds)} for name, entry in CELERY_BEAT_SCHEDULE.items()
    }
