"""Version 1 of the estimates: the judgement weights, active; every existing list rests on it."""

from django.db import migrations


def create_judgement_version(apps, schema_editor):
    from applicants.model_versions import judgement_version

    version = judgement_version(apps.get_model("applicants", "ModelVersion"))
    Shortlist = apps.get_model("applicants", "Shortlist")
    Shortlist.objects.filter(model_version__isnull=True).update(model_version=version)


def forget_judgement_version(apps, schema_editor):
    Shortlist = apps.get_model("applicants", "Shortlist")
    Shortlist.objects.update(model_version=None)
    apps.get_model("applicants", "ModelVersion").objects.filter(number=1).delete()


class Migration(migrations.Migration):
    dependencies = [("applicants", "0007_model_versions")]

    operations = [migrations.RunPython(create_judgement_version, forget_judgement_version)]
