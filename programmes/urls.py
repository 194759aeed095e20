from django.urls import path

from .views import core as views
from .views import training as training_views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("team/", views.team, name="team"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/members/", views.programme_members, name="members"),
    # --- Training records (training part) ---
    path("courses/", training_views.course_list, name="course_list"),
    path("courses/new/", training_views.course_create, name="course_create"),
    path("courses/<int:course_pk>/edit/", training_views.course_edit, name="course_edit"),
    path("courses/<int:course_pk>/deactivate/", training_views.course_deactivate, name="course_deactivate"),
    path("courses/<int:course_pk>/reactivate/", training_views.course_reactivate, name="course_reactivate"),
    path("courses/<int:course_pk>/delete/", training_views.course_delete, name="course_delete"),
    path("training/mine/", training_views.my_training, name="my_training"),
    path("training/records/<int:record_pk>/evidence/", training_views.training_evidence, name="training_evidence"),
    path("<int:pk>/training/", training_views.training_matrix, name="training_matrix"),
    path("<int:pk>/training/requirements/", training_views.training_requirements, name="training_requirements"),
    path(
        "<int:pk>/training/requirements/<int:requirement_pk>/remove/",
        training_views.training_requirement_remove,
        name="training_requirement_remove",
    ),
    path("<int:pk>/training/export.csv", training_views.training_export, name="training_export"),
    path("<int:pk>/training/people/<int:person_pk>/", training_views.training_person, name="training_person"),
    path(
        "<int:pk>/training/people/<int:person_pk>/records/new/",
        training_views.training_record_create,
        name="training_record_create",
    ),
    path(
        "<int:pk>/training/records/<int:record_pk>/edit/",
        training_views.training_record_edit,
        name="training_record_edit",
    ),
    path(
        "<int:pk>/training/records/<int:record_pk>/verify/",
        training_views.training_record_verify,
        name="training_record_verify",
    ),
    path(
        "<int:pk>/training/people/<int:person_pk>/override/",
        training_views.readiness_override,
        name="readiness_override",
    ),
    path(
        "<int:pk>/training/people/<int:person_pk>/override/withdraw/",
        training_views.readiness_override_withdraw,
        name="readiness_override_withdraw",
    ),
    # --- end of training records ---
]
