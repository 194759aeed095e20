from django.urls import path

from . import views_reports

app_name = "evaluation"
urlpatterns = [
    # --- committee reports (issue 6) ---
    path("", views_reports.report_list, name="reports"),
    path("programmes/<int:pk>/reports/", views_reports.report_list_programme, name="report_list_programme"),
    path("programmes/<int:pk>/reports/new/", views_reports.report_create, name="report_create"),
    path("<int:pk>/", views_reports.report_detail, name="report_detail"),
    path("<int:pk>/edit/", views_reports.report_edit, name="report_edit"),
    path("<int:pk>/submit/", views_reports.report_submit, name="report_submit"),
    path("<int:pk>/comment/", views_reports.report_comment, name="report_comment"),
    path("<int:pk>/decision/", views_reports.report_decision, name="report_decision"),
    path("<int:pk>/sign-off/", views_reports.report_sign_off, name="report_sign_off"),
    path("<int:pk>/publish/", views_reports.report_publish, name="report_publish"),
    path("<int:pk>/report.pdf", views_reports.report_pdf, name="report_pdf"),
    path("<int:pk>/report.csv", views_reports.report_csv, name="report_csv"),
    # --- end of committee reports ---
]
