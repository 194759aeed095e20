from django.urls import path

from .views import core as views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("team/", views.team, name="team"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/members/", views.programme_members, name="members"),
]
