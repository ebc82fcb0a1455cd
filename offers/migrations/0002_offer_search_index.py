"""GIN index for stemmed English full-text search over offers (PostgreSQL only).

The expression matches ``SearchVector("search_document", config="english")`` exactly, so
the planner uses the index for ``Offer.objects.search()``. SQLite has no equivalent and
uses the plain fallback search instead.
"""

from django.db import migrations

INDEX = "offers_offer_search_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON offers_offer USING gin "
            "(to_tsvector('english'::regconfig, COALESCE(search_document, '')))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("offers", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
