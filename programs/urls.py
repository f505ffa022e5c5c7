from django.urls import path

from programs import views

app_name = "programs"

urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.import_programs, name="import"),
    path("<int:pk>/", views.detail, name="detail"),
]
