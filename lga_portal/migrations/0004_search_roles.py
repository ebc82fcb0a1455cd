"""Give the roles their permissions on the search's synonyms, best bets and zero-result log."""

from django.db import migrations


def sync(apps, schema_editor):
    from lga_portal.roles import sync_roles

    sync_roles(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("lga_portal", "0003_api_tokens"),
        ("offers", "0004_search_synonyms_best_bets_and_index"),
        ("engagements", "0004_engagement_held_and_live_indexes"),
        ("metrics", "0001_initial"),
    ]
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
