from django.urls import path

from . import views, views_dashboard, views_interventions

app_name = "evaluation"
urlpatterns = [
    path("", views.report_list, name="reports"),
    path("programmes/<int:pk>/", views.programme_report, name="programme_report"),
    # --- coordinator dashboard (issue 6) ---
    path("programmes/<int:pk>/dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("dashboard/", views_dashboard.dashboard_all, name="dashboard_all"),
    # --- end of coordinator dashboard ---
    # --- Alerts and interventions (issue 6) ---
    path("programmes/<int:pk>/alerts/", views_interventions.alerts, name="alerts"),
    path(
        "programmes/<int:pk>/alerts/<int:alert_pk>/acknowledge/",
        views_interventions.alert_acknowledge,
        name="alert_acknowledge",
    ),
    path("programmes/<int:pk>/interventions/", views_interventions.intervention_list, name="intervention_list"),
    path("programmes/<int:pk>/interventions/new/", views_interventions.intervention_create, name="intervention_create"),
    path(
        "programmes/<int:pk>/interventions/<int:intervention_pk>/",
        views_interventions.intervention_detail,
        name="intervention_detail",
    ),
    path(
        "programmes/<int:pk>/interventions/<int:intervention_pk>/close/",
        views_interventions.intervention_close,
        name="intervention_close",
    ),
    # --- end of alerts and interventions ---
]
