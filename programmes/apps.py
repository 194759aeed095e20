from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "People and programmes"

    def ready(self) -> None:
        from . import hooks, navigation

        hooks.register_navigation(navigation.TABS, navigation.PAGES)  # programmes' pages in a programme's navigation
