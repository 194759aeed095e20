from django.urls import path

from core import ids  # noqa: F401  (registers <id:...>: a database id, anything larger is a 404)

from .views import audit as views_audit
from .views import audit_plans as views_audit_plans
from .views import dashboard as views_dashboard
from .views import decisions as views_decisions
from .views import interventions as views_interventions
from .views import personal_data as views_personal_data
from .views import reports as views_reports
from .views import surveys as views_surveys

app_name = "evaluation"
urlpatterns = [
    # Coordinator dashboard
    path("programmes/<id:pk>/dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("dashboard/", views_dashboard.dashboard_all, name="dashboard_all"),
    # Alerts and interventions
    path("programmes/<id:pk>/alerts/", views_interventions.alerts, name="alerts"),
    path(
        "programmes/<id:pk>/alerts/<id:alert_pk>/acknowledge/",
        views_interventions.alert_acknowledge,
        name="alert_acknowledge",
    ),
    path("programmes/<id:pk>/interventions/", views_interventions.intervention_list, name="intervention_list"),
    path("programmes/<id:pk>/interventions/new/", views_interventions.intervention_create, name="intervention_create"),
    path(
        "programmes/<id:pk>/interventions/<id:intervention_pk>/",
        views_interventions.intervention_detail,
        name="intervention_detail",
    ),
    path(
        "programmes/<id:pk>/interventions/<id:intervention_pk>/close/",
        views_interventions.intervention_close,
        name="intervention_close",
    ),
    # Committee reports
    path("", views_reports.report_list, name="reports"),
    path("programmes/<id:pk>/reports/", views_reports.report_list_programme, name="report_list_programme"),
    path("programmes/<id:pk>/reports/new/", views_reports.report_create, name="report_create"),
    path("<id:pk>/", views_reports.report_detail, name="report_detail"),
    path("<id:pk>/edit/", views_reports.report_edit, name="report_edit"),
    path("<id:pk>/submit/", views_reports.report_submit, name="report_submit"),
    path("<id:pk>/comment/", views_reports.report_comment, name="report_comment"),
    path("<id:pk>/decision/", views_reports.report_decision, name="report_decision"),
    path("<id:pk>/sign-off/", views_reports.report_sign_off, name="report_sign_off"),
    path("<id:pk>/publish/", views_reports.report_publish, name="report_publish"),
    path("<id:pk>/report.pdf", views_reports.report_pdf, name="report_pdf"),
    path("<id:pk>/report.csv", views_reports.report_csv, name="report_csv"),
    path("decisions/", views_decisions.decisions_mine, name="decisions_mine"),
    # The learning-environment audit's items (the organisation's)
    path("audit/items/", views_audit.audit_items, name="audit_items"),
    path("audit/items/new/", views_audit.audit_item_add, name="audit_item_add"),
    path("audit/items/<id:pk>/edit/", views_audit.audit_item_edit, name="audit_item_edit"),
    path("audit/items/<id:pk>/retire/", views_audit.audit_item_retire, name="audit_item_retire"),
    path("audit/items/<id:pk>/move/", views_audit.audit_item_move, name="audit_item_move"),
    path("audit/reset/", views_audit.audit_reset, name="audit_reset"),
    path("decisions/<id:pk>/", views_decisions.decision_update, name="decision_update"),
]

# Surveys

urlpatterns += [
    path("programmes/<id:pk>/surveys/", views_surveys.survey_list, name="survey_list"),
    path("programmes/<id:pk>/surveys/new/", views_surveys.survey_create, name="survey_create"),
    path("programmes/<id:pk>/surveys/<id:survey_pk>/", views_surveys.survey_edit, name="survey_edit"),
    path(
        "programmes/<id:pk>/surveys/<id:survey_pk>/questions/new/",
        views_surveys.question_add,
        name="question_add",
    ),
    path(
        "programmes/<id:pk>/surveys/<id:survey_pk>/questions/<id:question_pk>/",
        views_surveys.question_edit,
        name="question_edit",
    ),
    path(
        "programmes/<id:pk>/surveys/<id:survey_pk>/questions/<id:question_pk>/delete/",
        views_surveys.question_delete,
        name="question_delete",
    ),
    path(
        "programmes/<id:pk>/surveys/<id:survey_pk>/questions/<id:question_pk>/move/",
        views_surveys.question_move,
        name="question_move",
    ),
    path("programmes/<id:pk>/surveys/<id:survey_pk>/send/", views_surveys.round_create, name="round_create"),
    path("programmes/<id:pk>/rounds/<id:round_pk>/", views_surveys.round_results, name="round_results"),
    path("surveys/", views_surveys.my_surveys, name="my_surveys"),
    path("surveys/<id:invitation_pk>/", views_surveys.survey_answer, name="survey_answer"),
]

# Personal data
urlpatterns += [
    path("my-data/", views_personal_data.my_data, name="my_data"),
    path("my-data.zip", views_personal_data.my_data_zip, name="my_data_zip"),
]

# The learning-environment audit acted on: a unit's page and plan, the coordinators' overview and alerts
urlpatterns += [
    path("audit/<id:round_pk>/units/<id:unit_pk>/", views_audit_plans.audit_unit, name="audit_unit"),
    path("audit/<id:round_pk>/units/<id:unit_pk>/plan/", views_audit_plans.audit_plan_save, name="audit_plan_save"),
    path("programmes/<id:pk>/rounds/<id:round_pk>/units/", views_audit_plans.audit_overview, name="audit_overview"),
    path(
        "programmes/<id:pk>/audit-alerts/<id:alert_pk>/",
        views_audit_plans.audit_alert_handle,
        name="audit_alert_handle",
    ),
]
