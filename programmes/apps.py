from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = gettext_lazy("People and programmes")

    def ready(self) -> None:
        from . import hooks, navigation
        from .selectors.opportunities import team_panel
        from .services import logins  # noqa: F401 (connects the login audit to Django's user_logged_in)

        hooks.TEAM_PANELS.register(team_panel)  # the reports' learning opportunities on the team page
        hooks.register_navigation(navigation.TABS, navigation.PAGES)  # programmes' pages in a programme's navigation
