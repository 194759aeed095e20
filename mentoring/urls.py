from django.urls import path, re_path

from core import ids  # noqa: F401  (registers <id:...>: a database id, anything larger is a 404)
from mentoring.views import (
    alerts,
    calendars,
    cpd,
    late_joiners,
    lifecycle,
    matching,
    mentor_requests,
    pairing,
    planning,
    preferences,
    proposals,
    reflection,
    relationship,
)
from mentoring.views import opportunities as opportunity_views

app_name = "mentoring"
urlpatterns = [
    # --- Mentee requests ---
    path("programmes/<id:pk>/suggestions/", mentor_requests.suggestions, name="suggestions"),
    path("programmes/<id:pk>/requests/", mentor_requests.request_send, name="request_send"),
    path("requests/", mentor_requests.requests_for_me, name="requests"),
    path("requests/<id:pk>/answer/", mentor_requests.request_answer, name="request_answer"),
    path("requests/<id:pk>/withdraw/", mentor_requests.request_cancel, name="request_cancel"),
    # --- Ranked preferences (issue 19): a mentee's ranking, a mentor's wishes, while the programme matches ---
    path("programmes/<id:pk>/ranking/", preferences.ranking, name="ranking"),
    path("programmes/<id:pk>/mentees/", preferences.mentor_stances, name="mentor_stances"),
    path("", pairing.my_mentoring, name="home"),
    path("cpd/", cpd.cpd_record, name="cpd_record"),
    path("cpd/record.pdf", cpd.cpd_record_pdf, name="cpd_record_pdf"),
    path("cpd/record.csv", cpd.cpd_record_csv, name="cpd_record_csv"),
    path("pairings/<id:pk>/", pairing.pairing_detail, name="pairing_detail"),
    path(
        "pairings/<id:pk>/opportunities/<id:opportunity_pk>/suggest/",
        opportunity_views.pairing_opportunity_suggest,
        name="pairing_opportunity_suggest",
    ),
    # --- Pairing lifecycle (lifecycle, notices, participant pages) ---
    path("pairings/<id:pk>/accept/", lifecycle.pairing_accept, name="pairing_accept"),
    path("pairings/<id:pk>/decline/", lifecycle.pairing_decline, name="pairing_decline"),
    path("pairings/<id:pk>/pause/", lifecycle.pairing_pause, name="pairing_pause"),
    path("pairings/<id:pk>/resume/", lifecycle.pairing_resume, name="pairing_resume"),
    path("pairings/<id:pk>/complete/", lifecycle.pairing_complete, name="pairing_complete"),
    path("pairings/<id:pk>/end/", lifecycle.pairing_end_early, name="pairing_end_early"),
    path("pairings/<id:pk>/reflection/", lifecycle.pairing_reflection, name="pairing_reflection"),
    # --- The relationship: agreement, goals, sessions, notes, concerns, fit; coordinators' states and alerts ---
    path("pairings/<id:pk>/agreement/", relationship.agreement_edit, name="agreement_edit"),
    path("pairings/<id:pk>/agreement/sign/", relationship.agreement_sign, name="agreement_sign"),
    path("pairings/<id:pk>/goals/new/", relationship.goal_create, name="goal_create"),
    path("pairings/<id:pk>/goals/<id:goal_pk>/", relationship.goal_edit, name="goal_edit"),
    path("pairings/<id:pk>/sessions/", relationship.session_list, name="session_list"),
    path("pairings/<id:pk>/sessions/new/", relationship.session_create, name="session_create"),
    path("pairings/<id:pk>/sessions/<id:session_pk>/", relationship.session_detail, name="session_detail"),
    path("pairings/<id:pk>/sessions/<id:session_pk>/edit/", relationship.session_edit, name="session_edit"),
    path("pairings/<id:pk>/sessions/<id:session_pk>/delete/", relationship.session_delete, name="session_delete"),
    path(
        "pairings/<id:pk>/sessions/<id:session_pk>/confirm/",
        relationship.session_confirm,
        name="session_confirm",
    ),
    path(
        "pairings/<id:pk>/sessions/<id:session_pk>/dispute/",
        relationship.session_dispute,
        name="session_dispute",
    ),
    path("pairings/<id:pk>/sessions/<id:session_pk>/note/", relationship.note_save, name="note_save"),
    path(
        "pairings/<id:pk>/sessions/<id:session_pk>/reflection/",
        reflection.session_reflection_save,
        name="session_reflection",
    ),
    # --- Time to think (issue 20): one's own protected time and reflection time ---
    path("time/", reflection.reflection_list, name="reflection_list"),
    path("time/reflection/new/", reflection.reflection_create, name="reflection_create"),
    path("time/reflection/<id:pk>/", reflection.reflection_edit, name="reflection_edit"),
    path("time/reflection/<id:pk>/delete/", reflection.reflection_delete, name="reflection_delete"),
    path("pairings/<id:pk>/concern/", relationship.concern_raise, name="concern_raise"),
    path("pairings/<id:pk>/fit/", relationship.fit_save, name="fit_save"),
    path("programmes/<id:pk>/relationships/", relationship.relationships, name="relationships"),
    path("alerts/<id:pk>/acknowledge/", alerts.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<id:pk>/resolve/", alerts.alert_resolve, name="alert_resolve"),
    # Matching: the coordinator's pages of one programme
    path("programmes/<id:pk>/matching/", matching.matching, name="matching"),
    path("programmes/<id:pk>/matching/settings/", matching.matching_settings, name="matching_settings"),
    path(
        "programmes/<id:pk>/matching/settings/reset/",
        matching.matching_settings_reset,
        name="matching_settings_reset",
    ),
    path("programmes/<id:pk>/matching/run/", matching.matching_run, name="matching_run"),
    path("programmes/<id:pk>/matching/rounds/", matching.matching_history, name="matching_history"),
    path(
        "programmes/<id:pk>/matching/late-joiners/",
        late_joiners.matching_late_joiners,
        name="matching_late_joiners",
    ),
    path("programmes/<id:pk>/matching/rounds/<id:round_pk>/", matching.matching_round, name="matching_round"),
    path(
        "programmes/<id:pk>/matching/rounds/<id:round_pk>/publish/",
        matching.matching_publish,
        name="matching_publish",
    ),
    path(
        "programmes/<id:pk>/matching/proposals/<id:proposal_pk>/swap/",
        matching.matching_swap,
        name="matching_swap",
    ),
    path(
        "programmes/<id:pk>/matching/proposals/<id:proposal_pk>/remove/",
        matching.matching_remove,
        name="matching_remove",
    ),
    path(
        "programmes/<id:pk>/matching/overrides/<id:mentor_pk>/<id:mentee_pk>/",
        matching.matching_override,
        name="matching_override",
    ),
    # Single proposals: propose one pair by hand; remind who has not answered
    path("programmes/<id:pk>/matching/propose/", proposals.matching_propose, name="matching_propose"),
    path("pairings/<id:pk>/remind/", proposals.pairing_remind_view, name="pairing_remind"),
    # Calendar: the participant's feed settings, the feed, one session as .ics
    path("calendar/", calendars.calendar_settings, name="calendar"),
    path("calendar/create/", calendars.calendar_create, name="calendar_create"),
    path("calendar/replace/", calendars.calendar_replace, name="calendar_replace"),
    path("calendar/turn-off/", calendars.calendar_delete, name="calendar_delete"),
    path("calendar/meetings/", calendars.meeting_preferences, name="meeting_preferences"),
    # No login: the token (secrets.token_urlsafe) is the key; anything that is not one is a 404 here already.
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{20,64})\.ics$", calendars.calendar_feed, name="calendar_feed"),
    path(
        "pairings/<id:pk>/sessions/<id:session_pk>/session.ics",
        calendars.session_ics,
        name="session_ics",
    ),
    # Planned sessions (issue 17): the pair only
    path("programmes/<id:pk>/meeting-links/", planning.planning_settings, name="planning_settings"),
    path("programmes/<id:pk>/webhooks/", planning.webhooks_page, name="webhooks"),
    path("programmes/<id:pk>/webhooks/<id:channel_pk>/remove/", planning.webhook_remove, name="webhook_remove"),
    path("pairings/<id:pk>/planned/new/", planning.planned_create, name="planned_create"),
    path("pairings/<id:pk>/planned/<id:planned_pk>/", planning.planned_detail, name="planned_detail"),
    path("pairings/<id:pk>/planned/<id:planned_pk>/accept/", planning.planned_accept, name="planned_accept"),
    path("pairings/<id:pk>/planned/<id:planned_pk>/counter/", planning.planned_counter, name="planned_counter"),
    path("pairings/<id:pk>/planned/<id:planned_pk>/decline/", planning.planned_decline, name="planned_decline"),
    path("pairings/<id:pk>/planned/<id:planned_pk>/move/", planning.planned_move, name="planned_move"),
    path("pairings/<id:pk>/planned/<id:planned_pk>/cancel/", planning.planned_cancel, name="planned_cancel"),
    path("pairings/<id:pk>/planned/<id:planned_pk>/record/", planning.planned_record, name="planned_record"),
]
