from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, using: str = "default", **kwargs) -> None:
    from lga_portal.roles import sync_roles

    sync_roles(using=using)


def _page_state_changed(sender, **kwargs) -> None:
    # A migration may change what public pages show, without signals.
    from lga_portal import page_cache

    page_cache.bump_all()


class LgaPortalConfig(AppConfig):
    name = "lga_portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        # The data migration creates the role groups; this keeps them complete when models are
        # added later and after a test database flush.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="lga_portal_sync_roles")
        post_migrate.connect(_page_state_changed, sender=self, dispatch_uid="lga_portal_page_state")
