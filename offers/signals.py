"""Keep an offer's search text in step with its items, and the catalogue's last change with its publications."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from offers.models import Offer, OfferItem, Publication, Theme


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
