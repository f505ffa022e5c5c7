from django.urls import path

from applicants import views

app_name = "applicants"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("list/", views.shortlist, name="list"),
]
