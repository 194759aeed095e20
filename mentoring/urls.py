from django.urls import path

from . import views, views_matching

app_name = "mentoring"
urlpatterns = [
    path("", views.my_mentoring, name="home"),
    path("pairings/<int:pk>/", views.pairing_detail, name="pairing_detail"),
    # --- Matching (issue 4): the coordinator's pages of one programme ---
    path("programmes/<int:pk>/matching/", views_matching.matching, name="matching"),
    path("programmes/<int:pk>/matching/settings/", views_matching.matching_settings, name="matching_settings"),
    path(
        "programmes/<int:pk>/matching/settings/reset/",
        views_matching.matching_settings_reset,
        name="matching_settings_reset",
    ),
    path("programmes/<int:pk>/matching/run/", views_matching.matching_run, name="matching_run"),
    path("programmes/<int:pk>/matching/rounds/", views_matching.matching_history, name="matching_history"),
    path("programmes/<int:pk>/matching/rounds/<int:round_pk>/", views_matching.matching_round, name="matching_round"),
    path(
        "programmes/<int:pk>/matching/rounds/<int:round_pk>/publish/",
        views_matching.matching_publish,
        name="matching_publish",
    ),
    path(
        "programmes/<int:pk>/matching/proposals/<int:proposal_pk>/swap/",
        views_matching.matching_swap,
        name="matching_swap",
    ),
    path(
        "programmes/<int:pk>/matching/proposals/<int:proposal_pk>/remove/",
        views_matching.matching_remove,
        name="matching_remove",
    ),
    path(
        "programmes/<int:pk>/matching/overrides/<int:mentor_pk>/<int:mentee_pk>/",
        views_matching.matching_override,
        name="matching_override",
    ),
    # --- end of matching ---
]
