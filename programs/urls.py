from django.urls import path

from programs import correction_views, views

app_name = "programs"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("export.csv", views.export_catalogue, name="export"),
    path("observerships/", views.observerships, name="observerships"),
    path("template.csv", views.import_template, name="import_template"),
    path("import/", views.import_programs, name="import"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/mapping/", views.import_mapping, name="import_mapping"),
    path("<int:pk>/corrections/", correction_views.suggest, name="suggest_correction"),
    path("corrections/mine/", correction_views.mine, name="my_corrections"),
    path("corrections/", correction_views.queue, name="corrections"),
    path("corrections/<int:pk>/accept/", correction_views.accept, name="correction_accept"),
    path("corrections/<int:pk>/reject/", correction_views.reject, name="correction_reject"),
]
