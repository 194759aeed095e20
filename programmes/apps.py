from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "People and programmes"

    def ready(self) -> None:
        from . import hooks, navigation

        hooks.register_navigation(navigation.TABS, navigation.PAGES)  # programmes' pages in a programme's navigation
        # --- login protection (issue 8) ---
        # Connects the user_logged_in receiver that stamps the login time for the session limits, before the
        # first request (a test client's login() may come before any middleware is loaded).
        from config import security  # noqa: F401
        # --- end of login protection ---
