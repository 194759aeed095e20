from django.urls import path

from core import ids  # noqa: F401  (registers <id:...>: a database id, anything larger is a 404)

from .views import account as account_views
from .views import briefing as briefing_views
from .views import budget as budget_views
from .views import core as views
from .views import enrolment, programme
from .views import hr_sync as hr_sync_views
from .views import opportunities as opportunity_views
from .views import people_import as people_import_views
from .views import time as time_views
from .views import training as training_views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("team/", views.team, name="team"),
    path("<id:pk>/", views.programme_detail, name="detail"),
    path("<id:pk>/members/", views.programme_members, name="members"),
    # --- Set-up and lifecycle ---
    path("new/", programme.programme_create, name="create"),
    path("<id:pk>/settings/", programme.programme_settings, name="settings"),
    path("<id:pk>/status/", programme.programme_transition, name="transition"),
    path("<id:pk>/people/add/", programme.programme_member_add, name="member_add"),
    path("<id:pk>/people/<id:membership_pk>/remove/", programme.programme_member_remove, name="member_remove"),
    path("<id:pk>/questions/add/", programme.programme_question_add, name="question_add"),
    path("<id:pk>/questions/<id:question_pk>/remove/", programme.programme_question_remove, name="question_remove"),
    # --- Enrolment ---
    path("open/", enrolment.open_programmes, name="open"),
    path("<id:pk>/apply/", enrolment.application_create, name="apply"),
    path("<id:pk>/applications/", enrolment.application_list, name="applications"),
    path("<id:pk>/applications/decide/", enrolment.applications_decide, name="applications_decide"),
    path("applications/<id:pk>/", enrolment.application_detail, name="application_detail"),
    path("applications/<id:pk>/endorse/", enrolment.application_endorse, name="application_endorse"),
    path("applications/<id:pk>/decide/", enrolment.application_decide, name="application_decide"),
    path("applications/<id:pk>/withdraw/", enrolment.application_withdraw, name="application_withdraw"),
    path("notifications/", enrolment.notification_list, name="notifications"),
    path("notifications/read/", enrolment.notifications_mark_read, name="notifications_read"),
    path("skills/", enrolment.skill_list, name="skills"),
    path("skills/merge/", enrolment.skill_merge, name="skill_merge"),
    path("skills/<id:pk>/rename/", enrolment.skill_rename, name="skill_rename"),
    # Resource budgets: coordinators of the programme only.
    path("<id:pk>/budget/", budget_views.budget, name="budget"),
    path("<id:pk>/budget/lines/new/", budget_views.budget_line_create, name="budget_line_create"),
    path("<id:pk>/budget/lines/<id:line_pk>/edit/", budget_views.budget_line_edit, name="budget_line_edit"),
    path("<id:pk>/budget/lines/<id:line_pk>/delete/", budget_views.budget_line_delete, name="budget_line_delete"),
    path("<id:pk>/budget/spends/", budget_views.spend_list, name="spend_list"),
    path("<id:pk>/budget/spends/new/", budget_views.spend_create, name="spend_create"),
    path("<id:pk>/budget/spends/<id:spend_pk>/delete/", budget_views.spend_delete, name="spend_delete"),
    path("<id:pk>/budget/export/spends.csv", budget_views.budget_export, name="budget_export"),
    path("<id:pk>/budget/export/lines.csv", budget_views.budget_lines_export, name="budget_lines_export"),
    # Protected time
    path("<id:pk>/time/", time_views.programme_time, name="time"),
    path("<id:pk>/time/allocations/", time_views.allocations_create, name="allocations_create"),
    path("allocations/<id:pk>/adjust/", time_views.allocation_adjust, name="allocation_adjust"),
    path("allocations/<id:pk>/decide/", time_views.allocation_decide, name="allocation_decide"),
    # People import
    path("people/import/", people_import_views.people_import, name="people_import"),
    path("people/import/<id:pk>/", people_import_views.people_import_preview, name="people_import_preview"),
    path("people/import/<id:pk>/apply/", people_import_views.people_import_apply, name="people_import_apply"),
    path("people/import/<id:pk>/discard/", people_import_views.people_import_discard, name="people_import_discard"),
    path("people/import/<id:pk>/columns/", people_import_views.people_import_map, name="people_import_map"),
    path("people/import/<id:pk>/status/", people_import_views.people_import_status, name="people_import_status"),
    path("people/hr-file/", hr_sync_views.hr_sync, name="hr_sync"),
    path("people/hr-file/sample/", hr_sync_views.hr_sync_sample, name="hr_sync_sample"),
    path("people/hr-file/runs/<id:pk>/", hr_sync_views.hr_sync_run_detail, name="hr_sync_run_detail"),
    path("people/hr-file/runs/<id:pk>/confirm/", hr_sync_views.hr_sync_run_confirm, name="hr_sync_run_confirm"),
    path("people/hr-file/runs/<id:pk>/discard/", hr_sync_views.hr_sync_run_discard, name="hr_sync_run_discard"),
    # --- Training records (training part) ---
    path("courses/", training_views.course_list, name="course_list"),
    path("courses/new/", training_views.course_create, name="course_create"),
    path("courses/<id:course_pk>/edit/", training_views.course_edit, name="course_edit"),
    path("courses/<id:course_pk>/deactivate/", training_views.course_deactivate, name="course_deactivate"),
    path("courses/<id:course_pk>/reactivate/", training_views.course_reactivate, name="course_reactivate"),
    path("courses/<id:course_pk>/delete/", training_views.course_delete, name="course_delete"),
    path("training/mine/", training_views.my_training, name="my_training"),
    path("training/records/<id:record_pk>/evidence/", training_views.training_evidence, name="training_evidence"),
    path("<id:pk>/training/", training_views.training_matrix, name="training_matrix"),
    path("<id:pk>/training/requirements/", training_views.training_requirements, name="training_requirements"),
    path(
        "<id:pk>/training/requirements/<id:requirement_pk>/remove/",
        training_views.training_requirement_remove,
        name="training_requirement_remove",
    ),
    path("<id:pk>/training/briefings/", briefing_views.briefings, name="briefings"),
    path("<id:pk>/training/briefings/remind/", briefing_views.briefing_remind, name="briefing_remind"),
    path("<id:pk>/training/briefings/<id:person_pk>/", briefing_views.briefing_record, name="briefing_record"),
    path("<id:pk>/training/export.csv", training_views.training_export, name="training_export"),
    path("<id:pk>/training/people/<id:person_pk>/", training_views.training_person, name="training_person"),
    path(
        "<id:pk>/training/people/<id:person_pk>/records/new/",
        training_views.training_record_create,
        name="training_record_create",
    ),
    path(
        "<id:pk>/training/records/<id:record_pk>/edit/",
        training_views.training_record_edit,
        name="training_record_edit",
    ),
    path(
        "<id:pk>/training/records/<id:record_pk>/verify/",
        training_views.training_record_verify,
        name="training_record_verify",
    ),
    path(
        "<id:pk>/training/people/<id:person_pk>/override/",
        training_views.readiness_override,
        name="readiness_override",
    ),
    path(
        "<id:pk>/training/people/<id:person_pk>/override/withdraw/",
        training_views.readiness_override_withdraw,
        name="readiness_override_withdraw",
    ),
    # --- Learning opportunities ---
    path("opportunities/", opportunity_views.opportunity_list, name="opportunities"),
    path("opportunities/new/", opportunity_views.opportunity_create, name="opportunity_create"),
    path("opportunities/mine/", opportunity_views.opportunity_requests_mine, name="opportunity_requests_mine"),
    path("opportunities/hosted/", opportunity_views.opportunities_hosted, name="opportunities_hosted"),
    path("opportunities/decisions/", opportunity_views.opportunity_decisions, name="opportunity_decisions"),
    path("opportunities/<id:pk>/", opportunity_views.opportunity_detail, name="opportunity_detail"),
    path("opportunities/<id:pk>/edit/", opportunity_views.opportunity_edit, name="opportunity_edit"),
    path("opportunities/<id:pk>/close/", opportunity_views.opportunity_close, name="opportunity_close"),
    path("opportunities/<id:pk>/ask/", opportunity_views.opportunity_ask, name="opportunity_ask"),
    path(
        "opportunities/requests/<id:pk>/withdraw/",
        opportunity_views.opportunity_request_withdraw,
        name="opportunity_request_withdraw",
    ),
    path(
        "opportunities/requests/<id:pk>/decide/",
        opportunity_views.opportunity_request_decide,
        name="opportunity_request_decide",
    ),
    path(
        "opportunities/requests/<id:pk>/confirm/",
        opportunity_views.opportunity_request_confirm,
        name="opportunity_request_confirm",
    ),
    # Notification centre
    path("notifications/<id:pk>/open/", account_views.notification_open, name="notification_open"),
    path("account/email-preferences/", account_views.email_preferences, name="email_preferences"),
]
