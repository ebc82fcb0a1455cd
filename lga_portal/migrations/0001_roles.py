"""Create the portal's role groups with their permissions (see lga_portal/roles.py)."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from lga_portal.roles import sync_roles

    sync_roles(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("offers", "0002_offer_search_index"),
        ("engagements", "0001_initial"),
        ("metrics", "0001_initial"),
    ]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
