from django.urls import path, re_path

from core import ids  # noqa: F401  (registers <id:...>: a database id, anything larger is a 404)

from . import (
    views,
    views_calendar,
    views_lifecycle,
    views_matching,
    views_proposals,
    views_relationship,
    views_requests,
)

app_name = "mentoring"
urlpatterns = [
    # --- Mentee requests ---
    path("programmes/<id:pk>/suggestions/", views_requests.suggestions, name="suggestions"),
    path("programmes/<id:pk>/requests/", views_requests.request_send, name="request_send"),
    path("requests/", views_requests.requests_for_me, name="requests"),
    path("requests/<id:pk>/answer/", views_requests.request_answer, name="request_answer"),
    path("requests/<id:pk>/withdraw/", views_requests.request_cancel, name="request_cancel"),
    path("", views.my_mentoring, name="home"),
    path("pairings/<id:pk>/", views.pairing_detail, name="pairing_detail"),
    # --- Pairing lifecycle (matching issue: lifecycle, notices, participant pages) ---
    path("pairings/<id:pk>/accept/", views_lifecycle.pairing_accept, name="pairing_accept"),
    path("pairings/<id:pk>/decline/", views_lifecycle.pairing_decline, name="pairing_decline"),
    path("pairings/<id:pk>/pause/", views_lifecycle.pairing_pause, name="pairing_pause"),
    path("pairings/<id:pk>/resume/", views_lifecycle.pairing_resume, name="pairing_resume"),
    path("pairings/<id:pk>/complete/", views_lifecycle.pairing_complete, name="pairing_complete"),
    path("pairings/<id:pk>/end/", views_lifecycle.pairing_end_early, name="pairing_end_early"),
    path("pairings/<id:pk>/reflection/", views_lifecycle.pairing_reflection, name="pairing_reflection"),
    # --- end of pairing lifecycle ---
    # --- The relationship: agreement, goals, sessions, notes, concerns, fit; coordinators' states and alerts ---
    path("pairings/<id:pk>/agreement/", views_relationship.agreement_edit, name="agreement_edit"),
    path("pairings/<id:pk>/agreement/sign/", views_relationship.agreement_sign, name="agreement_sign"),
    path("pairings/<id:pk>/goals/new/", views_relationship.goal_create, name="goal_create"),
    path("pairings/<id:pk>/goals/<id:goal_pk>/", views_relationship.goal_edit, name="goal_edit"),
    path("pairings/<id:pk>/sessions/", views_relationship.session_list, name="session_list"),
    path("pairings/<id:pk>/sessions/new/", views_relationship.session_create, name="session_create"),
    path("pairings/<id:pk>/sessions/<id:session_pk>/", views_relationship.session_detail, name="session_detail"),
    path("pairings/<id:pk>/sessions/<id:session_pk>/edit/", views_relationship.session_edit, name="session_edit"),
    path("pairings/<id:pk>/sessions/<id:session_pk>/delete/", views_relationship.session_delete, name="session_delete"),
    path(
        "pairings/<id:pk>/sessions/<id:session_pk>/confirm/",
        views_relationship.session_confirm,
        name="session_confirm",
    ),
    path(
        "pairings/<id:pk>/sessions/<id:session_pk>/dispute/",
        views_relationship.session_dispute,
        name="session_dispute",
    ),
    path("pairings/<id:pk>/sessions/<id:session_pk>/note/", views_relationship.note_save, name="note_save"),
    path("pairings/<id:pk>/concern/", views_relationship.concern_raise, name="concern_raise"),
    path("pairings/<id:pk>/fit/", views_relationship.fit_save, name="fit_save"),
    path("programmes/<id:pk>/relationships/", views_relationship.relationships, name="relationships"),
    path("alerts/<id:pk>/acknowledge/", views_relationship.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<id:pk>/resolve/", views_relationship.alert_resolve, name="alert_resolve"),
    # --- end of the relationship ---
    # --- Matching (issue 4): the coordinator's pages of one programme ---
    path("programmes/<id:pk>/matching/", views_matching.matching, name="matching"),
    path("programmes/<id:pk>/matching/settings/", views_matching.matching_settings, name="matching_settings"),
    path(
        "programmes/<id:pk>/matching/settings/reset/",
        views_matching.matching_settings_reset,
        name="matching_settings_reset",
    ),
    path("programmes/<id:pk>/matching/run/", views_matching.matching_run, name="matching_run"),
    path("programmes/<id:pk>/matching/rounds/", views_matching.matching_history, name="matching_history"),
    path("programmes/<id:pk>/matching/rounds/<id:round_pk>/", views_matching.matching_round, name="matching_round"),
    path(
        "programmes/<id:pk>/matching/rounds/<id:round_pk>/publish/",
        views_matching.matching_publish,
        name="matching_publish",
    ),
    path(
        "programmes/<id:pk>/matching/proposals/<id:proposal_pk>/swap/",
        views_matching.matching_swap,
        name="matching_swap",
    ),
    path(
        "programmes/<id:pk>/matching/proposals/<id:proposal_pk>/remove/",
        views_matching.matching_remove,
        name="matching_remove",
    ),
    path(
        "programmes/<id:pk>/matching/overrides/<id:mentor_pk>/<id:mentee_pk>/",
        views_matching.matching_override,
        name="matching_override",
    ),
    # --- end of matching ---
    # --- Single proposals (issue 13, points 8 and 9): propose one pair by hand; remind who has not answered ---
    path("programmes/<id:pk>/matching/propose/", views_proposals.matching_propose, name="matching_propose"),
    path("pairings/<id:pk>/remind/", views_proposals.pairing_remind_view, name="pairing_remind"),
    # --- end of single proposals ---
    # --- Calendar (issue 5, point 6): the participant's feed settings, the feed, one session as .ics ---
    path("calendar/", views_calendar.calendar_settings, name="calendar"),
    path("calendar/create/", views_calendar.calendar_create, name="calendar_create"),
    path("calendar/replace/", views_calendar.calendar_replace, name="calendar_replace"),
    path("calendar/turn-off/", views_calendar.calendar_delete, name="calendar_delete"),
    # No login: the token (secrets.token_urlsafe) is the key; anything that is not one is a 404 here already.
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{20,64})\.ics$", views_calendar.calendar_feed, name="calendar_feed"),
    path(
        "pairings/<id:pk>/sessions/<id:session_pk>/session.ics",
        views_calendar.session_ics,
        name="session_ics",
    ),
    # --- end of calendar ---
]
