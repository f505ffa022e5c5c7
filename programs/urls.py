from django.urls import path

from programs import views

app_name = "programs"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("export.csv", views.export_catalogue, name="export"),
    path("template.csv", views.import_template, name="import_template"),
    path("import/", views.import_programs, name="import"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
]
