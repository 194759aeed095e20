from django.urls import path

from . import views_dashboard, views_interventions, views_personal_data, views_reports, views_surveys

app_name = "evaluation"
urlpatterns = [
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

# --- surveys (issue 6) ---

urlpatterns += [
    path("programmes/<int:pk>/surveys/", views_surveys.survey_list, name="survey_list"),
    path("programmes/<int:pk>/surveys/new/", views_surveys.survey_create, name="survey_create"),
    path("programmes/<int:pk>/surveys/<int:survey_pk>/", views_surveys.survey_edit, name="survey_edit"),
    path(
        "programmes/<int:pk>/surveys/<int:survey_pk>/questions/new/",
        views_surveys.question_add,
        name="question_add",
    ),
    path(
        "programmes/<int:pk>/surveys/<int:survey_pk>/questions/<int:question_pk>/",
        views_surveys.question_edit,
        name="question_edit",
    ),
    path(
        "programmes/<int:pk>/surveys/<int:survey_pk>/questions/<int:question_pk>/delete/",
        views_surveys.question_delete,
        name="question_delete",
    ),
    path(
        "programmes/<int:pk>/surveys/<int:survey_pk>/questions/<int:question_pk>/move/",
        views_surveys.question_move,
        name="question_move",
    ),
    path("programmes/<int:pk>/surveys/<int:survey_pk>/send/", views_surveys.round_create, name="round_create"),
    path("programmes/<int:pk>/rounds/<int:round_pk>/", views_surveys.round_results, name="round_results"),
    path("surveys/", views_surveys.my_surveys, name="my_surveys"),
    path("surveys/<int:invitation_pk>/", views_surveys.survey_answer, name="survey_answer"),
]
# --- end of surveys ---

# --- personal data (issue 8) ---
urlpatterns += [
    path("my-data/", views_personal_data.my_data, name="my_data"),
    path("my-data.zip", views_personal_data.my_data_zip, name="my_data_zip"),
]
# --- end of personal data ---
