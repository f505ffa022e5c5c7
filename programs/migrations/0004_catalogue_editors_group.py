"""The "Catalogue editors" group: staff in it may import programs and edit them in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Catalogue editors"
CODENAMES = ("add_program", "change_program", "view_program", "view_importbatch")


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    config = apps.get_app_config("programs")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="programs", codename__in=CODENAMES)
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("programs", "0003_import_batch_plan_digest"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
