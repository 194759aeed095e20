from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Site")

    def ready(self) -> None:
        # Connects the user_logged_in receiver that stamps the login time for the session limits, before the
        # first request (a test client's login() may come before any middleware is loaded).
        from django.contrib.auth.signals import user_logged_in

        from . import (
            checks,  # noqa: F401 (registers the static manifest check)
            security,  # noqa: F401
        )
        from .i18n import remember_browser_language

        user_logged_in.connect(remember_browser_language, dispatch_uid="core.i18n.remember_browser_language")
