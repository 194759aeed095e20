from django.urls import path

from .views import budget as budget_views
from .views import core as views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("team/", views.team, name="team"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/members/", views.programme_members, name="members"),
    # Resource budgets (issue 3, item 8): coordinators of the programme only.
    path("<int:pk>/budget/", budget_views.budget, name="budget"),
    path("<int:pk>/budget/lines/new/", budget_views.budget_line_create, name="budget_line_create"),
    path("<int:pk>/budget/lines/<int:line_pk>/edit/", budget_views.budget_line_edit, name="budget_line_edit"),
    path("<int:pk>/budget/lines/<int:line_pk>/delete/", budget_views.budget_line_delete, name="budget_line_delete"),
    path("<int:pk>/budget/spends/", budget_views.spend_list, name="spend_list"),
    path("<int:pk>/budget/spends/new/", budget_views.spend_create, name="spend_create"),
    path("<int:pk>/budget/spends/<int:spend_pk>/delete/", budget_views.spend_delete, name="spend_delete"),
    path("<int:pk>/budget/export/spends.csv", budget_views.budget_export, name="budget_export"),
    path("<int:pk>/budget/export/lines.csv", budget_views.budget_lines_export, name="budget_lines_export"),
]
