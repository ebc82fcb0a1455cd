"""Keep the theme events in step when an offer moves to another theme (see engagements.theme_events)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from engagements.models import ThemeEvent, ThemeEventKind
from offers.models import Offer


@receiver(post_save, sender=Offer)
def move_offer_events_with_its_theme(sender, instance: Offer, raw: bool = False, **kwargs) -> None:
    # A take-up counts for the theme the offer is in now, as the take-up selectors count it.
    ThemeEvent.objects.filter(offer_id=instance.pk, kind=ThemeEventKind.TAKEN_UP).exclude(
        theme_id=instance.theme_id
    ).update(theme_id=instance.theme_id)
