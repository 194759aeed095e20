from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = gettext_lazy("Evaluation and reports")

    def ready(self) -> None:
        # The apps below may not name evaluation's pages: evaluation fills their hooks (programmes/hooks.py,
        # mentoring/hooks.py).
        from mentoring import hooks as mentoring_hooks
        from programmes import hooks as programmes_hooks
        from programmes.permissions import Area

        from . import navigation
        from .selectors.audit_alerts import audit_alerts_panel
        from .selectors.audit_plans import team_audit_panel

        programmes_hooks.TEAM_PANELS.register(team_audit_panel)  # the line manager's unit results and plan
        programmes_hooks.OVERVIEW_PANELS.register(audit_alerts_panel)  # audit alerts nobody has resolved
        programmes_hooks.AREA_HOMES.register((Area.COMMITTEE, "evaluation:reports"))
        programmes_hooks.register_navigation(navigation.TABS, navigation.PAGES)  # its pages in the navigation
        mentoring_hooks.LINKED_PAGES.register(("my_surveys", "evaluation:my_surveys"))
        mentoring_hooks.LINKED_PAGES.register(("programme_alerts", "evaluation:alerts"))
        mentoring_hooks.LINKED_PAGES.register(("intervention_create", "evaluation:intervention_create"))
