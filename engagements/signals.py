"""Keep the theme events in step when an offer moves to another theme (see engagements.theme_events),
and the public pages' state with councils, advisers and engagements."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from engagements.models import Adviser, Council, Engagement, Region, ThemeEvent, ThemeEventKind
from lga_portal import page_cache
from offers.models import Offer


@receiver(post_save, sender=Offer)
def move_offer_events_with_its_theme(sender, instance: Offer, raw: bool = False, **kwargs) -> None:
    # A take-up counts for the theme the offer is in now, as the take-up selectors count it.
    ThemeEvent.objects.filter(offer_id=instance.pk, kind=ThemeEventKind.TAKEN_UP).exclude(
        theme_id=instance.theme_id
    ).update(theme_id=instance.theme_id)


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
