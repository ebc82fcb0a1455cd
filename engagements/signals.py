"""Keep what is derived from engagements in step when something else changes: an offer moved to
another theme (see engagements.theme_events and engagements.summaries), an engagement or an offer
deleted; and the public pages' state with councils, advisers and engagements."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from engagements.models import Adviser, Council, Engagement, Region, ThemeEvent, ThemeEventKind
from engagements.summaries import group_of, refresh_summaries_for_offer, summaries_refresh
from lga_portal import page_cache
from offers.models import Offer

EngagementOffer = Engagement.offers.through


@receiver(post_save, sender=Offer)
def move_offer_take_up_with_its_theme(sender, instance: Offer, raw: bool = False, **kwargs) -> None:
    # A take-up counts for the theme the offer is in now, as the take-up selectors count it.
    moved = (
        ThemeEvent.objects.filter(offer_id=instance.pk, kind=ThemeEventKind.TAKEN_UP)
        .exclude(theme_id=instance.theme_id)
        .update(theme_id=instance.theme_id)
    )
    if moved:
        refresh_summaries_for_offer(instance.pk)


@receiver(pre_delete, sender=Offer)
def note_the_months_of_a_deleted_offer(sender, instance: Offer, **kwargs) -> None:
    # Its links go with it, so the months its take-up was counted in are noted before they do.
    instance._summary_groups = {
        group_of(council_id, day)
        for council_id, day in EngagementOffer.objects.filter(offer_id=instance.pk)
        .values_list("engagement__council_id", "engagement__date")
        .distinct()
    }


@receiver(post_delete, sender=Offer)
def recount_the_months_of_a_deleted_offer(sender, instance: Offer, **kwargs) -> None:
    summaries_refresh(getattr(instance, "_summary_groups", ()))


@receiver(post_delete, sender=Engagement)
def recount_the_month_of_a_deleted_engagement(sender, instance: Engagement, **kwargs) -> None:
    # Engagements are archived rather than deleted, but a deletion (a load's clean-up, a test, the
    # database shell through the ORM) must not leave it counted.
    summaries_refresh({group_of(instance.council_id, instance.date)})


# --- The public pages' state (lga_portal/page_cache.py) ----------------------------------------
# Councils, regions and principal advisers are on the council pages and the home page's council
# picker; engagements (and the offers they link) are the offer page's take-up.


def _councils_changed(sender, **kwargs) -> None:
    page_cache.bump(page_cache.COUNCILS)


def _engagements_changed(sender, **kwargs) -> None:
    page_cache.bump(page_cache.ENGAGEMENTS)


for _model, _receiver in ((Council, _councils_changed), (Region, _councils_changed), (Adviser, _councils_changed)):
    post_save.connect(_receiver, sender=_model, dispatch_uid=f"page-state-save-{_model.__name__}")
    post_delete.connect(_receiver, sender=_model, dispatch_uid=f"page-state-delete-{_model.__name__}")
for _model in (Engagement, ThemeEvent):
    post_save.connect(_engagements_changed, sender=_model, dispatch_uid=f"page-state-save-{_model.__name__}")
    post_delete.connect(_engagements_changed, sender=_model, dispatch_uid=f"page-state-delete-{_model.__name__}")
for _field in Council._meta.many_to_many:
    m2m_changed.connect(
        _councils_changed, sender=_field.remote_field.through, dispatch_uid=f"page-state-council-{_field.name}"
    )
for _field in Engagement._meta.many_to_many:
    m2m_changed.connect(
        _engagements_changed, sender=_field.remote_field.through, dispatch_uid=f"page-state-engagement-{_field.name}"
    )
