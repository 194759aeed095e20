from django.urls import path

from . import views, views_lifecycle

app_name = "mentoring"
urlpatterns = [
    path("", views.my_mentoring, name="home"),
    path("pairings/<int:pk>/", views.pairing_detail, name="pairing_detail"),
    # --- Pairing lifecycle (matching issue: lifecycle, notices, participant pages) ---
    path("pairings/<int:pk>/accept/", views_lifecycle.pairing_accept, name="pairing_accept"),
    path("pairings/<int:pk>/decline/", views_lifecycle.pairing_decline, name="pairing_decline"),
    path("pairings/<int:pk>/pause/", views_lifecycle.pairing_pause, name="pairing_pause"),
    path("pairings/<int:pk>/resume/", views_lifecycle.pairing_resume, name="pairing_resume"),
    path("pairings/<int:pk>/complete/", views_lifecycle.pairing_complete, name="pairing_complete"),
    path("pairings/<int:pk>/end/", views_lifecycle.pairing_end_early, name="pairing_end_early"),
    path("pairings/<int:pk>/reflection/", views_lifecycle.pairing_reflection, name="pairing_reflection"),
    # --- end of pairing lifecycle ---
]
