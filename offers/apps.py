from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _restore_sqlite_search_triggers(sender, using="default", **kwargs) -> None:
    # SQLite rebuilds a table to alter it, which drops its triggers; put the search's back.
    from offers.search_schema import ensure_sqlite_triggers

    ensure_sqlite_triggers(connections[using])


class OffersConfig(AppConfig):
    name = "offers"
    verbose_name = "Catalogue"

    def ready(self) -> None:
        from offers import signals  # noqa: F401

        post_migrate.connect(_restore_sqlite_search_triggers, sender=self, dispatch_uid="offers-search-triggers")
