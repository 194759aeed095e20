from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site"

    def ready(self) -> None:
        # Connects the user_logged_in receiver that stamps the login time for the session limits, before the
        # first request (a test client's login() may come before any middleware is loaded).
        from . import security  # noqa: F401
