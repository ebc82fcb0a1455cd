"""Keep an offer's search text in step with its items."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from offers.models import Offer, OfferItem


@receiver([post_save, post_delete], sender=OfferItem)
def refresh_offer_search_document(sender, instance: OfferItem, **kwargs) -> None:
    offer = Offer.objects.filter(pk=instance.offer_id).first()
    if offer is not None:
        # update() rather than save(): an item edit is not a new version of the offer.
        Offer.objects.filter(pk=offer.pk).update(search_document=offer.build_search_document())
