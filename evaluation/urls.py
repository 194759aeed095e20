from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.report_list, name="reports"),
    path("programmes/<int:pk>/", views.programme_report, name="programme_report"),
]
