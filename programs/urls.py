from django.urls import path

from programs import correction_views, views

app_name = "programs"

urlpatterns = [
    path("", views.index, name="index"),
    path("<id:pk>/", views.detail, name="detail"),
    path("export.csv", views.export_catalogue, name="export"),
    path("observerships/", views.observerships, name="observerships"),
    path("template.csv", views.import_template, name="import_template"),
    path("import/", views.import_programs, name="import"),
    path("import/<id:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<id:pk>/mapping/", views.import_mapping, name="import_mapping"),
    path("<id:pk>/corrections/", correction_views.suggest, name="suggest_correction"),
    path("corrections/mine/", correction_views.mine, name="my_corrections"),
    path("corrections/", correction_views.queue, name="corrections"),
    path("corrections/<id:pk>/accept/", correction_views.accept, name="correction_accept"),
    path("corrections/<id:pk>/reject/", correction_views.reject, name="correction_reject"),
]
