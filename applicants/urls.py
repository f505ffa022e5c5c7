from django.urls import path

from applicants import views

app_name = "applicants"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/validate/<str:field>/", views.validate_field, name="profile_validate"),
    path("profile/scenarios/", views.scenarios, name="scenarios"),
    path("profile/scenarios/new/", views.scenario_create, name="scenario_create"),
    path("profile/scenarios/<int:pk>/", views.scenario, name="scenario"),
    path("profile/scenarios/<int:pk>/activate/", views.scenario_activate, name="scenario_activate"),
    path("profile/scenarios/<int:pk>/rename/", views.scenario_rename, name="scenario_rename"),
    path("profile/scenarios/<int:pk>/delete/", views.scenario_delete, name="scenario_delete"),
    path("list/", views.shortlist, name="list"),
]
