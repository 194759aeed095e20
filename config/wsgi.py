import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# gunicorn runs no system checks: say at start-up, in the log, what runserver's checks would have said.
from core.checks import static_manifest_problem  # noqa: E402 (needs the settings loaded above)

if _problem := static_manifest_problem():
    logging.getLogger("config.wsgi").error("%s", _problem)
