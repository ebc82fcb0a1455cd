"""Keep an offer's search text in step with its items, the catalogue's last change with its
publications, and the public pages' state with the catalogue."""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from lga_portal import page_cache
from offers.models import Offer, OfferItem, Publication, Theme, ZeroResultSearch


@receiver([post_save, post_delete], sender=OfferItem)
def refresh_offer_search_document(sender, instance: OfferItem, **kwargs) -> None:
    offer = Offer.objects.filter(pk=instance.offer_id).first()
    if offer is not None:
        # update() rather than save(): an item edit is not a new version of the offer.
        Offer.objects.filter(pk=offer.pk).update(search_document=offer.build_search_document())


@receiver([post_save, post_delete], sender=Publication)
def touch_theme_of_publication(sender, instance: Publication, **kwargs) -> None:
    """Offer and theme pages list their publications: a change to one is a change to the catalogue.

    Moving the theme's ``modified_at`` (update(), no new history) is enough for the pages' ETags
    (``offers.selectors.catalogue_state``), without another query on every page.
    """
    Theme.objects.filter(pk=instance.theme_id).update(modified_at=timezone.now())


# --- The public pages' state (lga_portal/page_cache.py) ----------------------------------------
# Everything the catalogue, theme, offer and home pages show from this app: a save or delete of
# any of it moves the catalogue's version on, so anonymous visitors see the change at once.
# Left out: the log of searches that found nothing (written by visitors' searches, shown only
# in the admin) and the history tables (written beside the rows they describe).


def _catalogue_changed(sender, raw: bool = False, **kwargs) -> None:
    page_cache.bump(page_cache.CATALOGUE)


def _shown_on_public_pages(model) -> bool:
    return model is not ZeroResultSearch and not model.__name__.startswith("Historical")


for _model in apps.get_app_config("offers").get_models():
    if _shown_on_public_pages(_model):
        post_save.connect(_catalogue_changed, sender=_model, dispatch_uid=f"page-state-save-{_model.__name__}")
        post_delete.connect(_catalogue_changed, sender=_model, dispatch_uid=f"page-state-delete-{_model.__name__}")
for _field in Offer._meta.many_to_many:
    m2m_changed.connect(
        _catalogue_changed, sender=_field.remote_field.through, dispatch_uid=f"page-state-{_field.name}"
    )
