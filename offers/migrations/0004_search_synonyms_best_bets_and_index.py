"""Search that speaks the sector's language: synonyms, best bets, the log of searches that found
nothing, and the stored search index (see offers/search_schema.py).

PostgreSQL: a weighted ``search_vector`` column kept by a trigger, with a GIN index (replacing
0002's expression index), and the catalogue's words for ``pg_trgm`` spelling suggestions.
SQLite: FTS5 tables kept in step by triggers. The index steps run only on their own database.
"""

import django.db.models.deletion
from django.db import migrations, models


def install_search_index(apps, schema_editor):
    from offers.search_schema import install

    install(schema_editor)


def uninstall_search_index(apps, schema_editor):
    from offers.search_schema import uninstall

    uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0003_history_of_offer_items"),
    ]

    operations = [
        migrations.CreateModel(
            name="Synonym",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, help_text="When this record was created.")),
                (
                    "modified_at",
                    models.DateTimeField(auto_now=True, db_index=True, help_text="When this record was last changed."),
                ),
                (
                    "term",
                    models.CharField(
                        help_text="A word, acronym or phrase people search for, e.g. FISA, comms or section 114.",
                        max_length=100,
                    ),
                ),
                (
                    "key",
                    models.CharField(
                        editable=False,
                        help_text="The term as the search compares it: lower case, punctuation dropped (set automatically).",
                        max_length=100,
                        unique=True,
                    ),
                ),
                (
                    "equivalents",
                    models.TextField(
                        help_text="What the same thing is also called, one to a line, e.g. Finance Improvement and Sustainability Adviser. A search for the term also finds offers that use any of these."
                    ),
                ),
                (
                    "one_way",
                    models.BooleanField(
                        default=False,
                        help_text="Tick when only the term should lead to the equivalents (comms → communications), not the other way round. Unticked, the term and its equivalents all find each other.",
                    ),
                ),
            ],
            options={
                "ordering": ["key"],
            },
        ),
        migrations.CreateModel(
            name="ZeroResultSearch",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "key",
                    models.CharField(
                        help_text="The search as compared: lower case, punctuation dropped.",
                        max_length=200,
                        unique=True,
                    ),
                ),
                ("query", models.CharField(help_text="The search as last typed.", max_length=200)),
                (
                    "searches",
                    models.PositiveIntegerField(
                        default=1, help_text="How many times it was searched and found nothing."
                    ),
                ),
                ("first_searched_at", models.DateTimeField(help_text="When it first found nothing.")),
                ("last_searched_at", models.DateTimeField(db_index=True, help_text="When it last found nothing.")),
            ],
            options={
                "verbose_name": "search that found nothing",
                "verbose_name_plural": "searches that found nothing",
                "ordering": ["-last_searched_at"],
            },
        ),
        migrations.CreateModel(
            name="BestBet",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, help_text="When this record was created.")),
                (
                    "modified_at",
                    models.DateTimeField(auto_now=True, db_index=True, help_text="When this record was last changed."),
                ),
                (
                    "query",
                    models.CharField(
                        help_text="The search, e.g. covid recovery. Matched whole, ignoring capitals and punctuation.",
                        max_length=200,
                    ),
                ),
                (
                    "order",
                    models.PositiveSmallIntegerField(
                        default=0, help_text="When several offers are recommended for one search: lower comes first."
                    ),
                ),
                (
                    "offer",
                    models.ForeignKey(
                        help_text="The offer to show first, marked as recommended.",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="best_bets",
                        to="offers.offer",
                    ),
                ),
            ],
            options={
                "verbose_name": "best bet",
                "ordering": ["query", "order", "id"],
                "constraints": [models.UniqueConstraint(fields=("query", "offer"), name="bestbet_query_offer_unique")],
            },
        ),
        migrations.RunPython(install_search_index, uninstall_search_index, elidable=False),
    ]
