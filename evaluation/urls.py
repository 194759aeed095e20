from django.urls import path

from . import views, views_dashboard

app_name = "evaluation"
urlpatterns = [
    path("", views.report_list, name="reports"),
    path("programmes/<int:pk>/", views.programme_report, name="programme_report"),
    # --- coordinator dashboard (issue 6) ---
    path("programmes/<int:pk>/dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("dashboard/", views_dashboard.dashboard_all, name="dashboard_all"),
    # --- end of coordinator dashboard ---
]
