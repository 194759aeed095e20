from django.urls import path

from .views import core as views
from .views import time as time_views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("team/", views.team, name="team"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/members/", views.programme_members, name="members"),
    # Protected time
    path("<int:pk>/time/", time_views.programme_time, name="time"),
    path("<int:pk>/time/allocations/", time_views.allocations_create, name="allocations_create"),
    path("allocations/<int:pk>/adjust/", time_views.allocation_adjust, name="allocation_adjust"),
    path("allocations/<int:pk>/decide/", time_views.allocation_decide, name="allocation_decide"),
]
