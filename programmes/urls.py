from django.urls import path

from .views import core as views
from .views import people_import as people_import_views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("team/", views.team, name="team"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/members/", views.programme_members, name="members"),
    # People import (issue 3, part 4)
    path("people/import/", people_import_views.people_import, name="people_import"),
    path("people/import/<int:pk>/", people_import_views.people_import_preview, name="people_import_preview"),
    path("people/import/<int:pk>/apply/", people_import_views.people_import_apply, name="people_import_apply"),
    path("people/import/<int:pk>/discard/", people_import_views.people_import_discard, name="people_import_discard"),
]
