from django.urls import path

from . import views

app_name = "mentoring"
urlpatterns = [
    path("", views.my_mentoring, name="home"),
    path("pairings/<int:pk>/", views.pairing_detail, name="pairing_detail"),
]
