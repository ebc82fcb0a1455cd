"""The catalogue's checkbox filters: ``{% load catalogue_filters %}``, then
``{% filter_facet form.theme form.cleaned_data.theme collapsible=True %}``.

Every catalogue and publications page draws the same panel of some fifty checkboxes, and most
visitors pick none of them. The panel's HTML depends on nothing but the field's name, label and
choices, what is picked and whether it folds away, so it is rendered once for each such
combination and kept (a bounded cache keyed by all of them): a theme renamed in the admin makes
a new key, never a stale panel.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils.autoreload import file_changed
from django.utils.safestring import mark_safe

register = template.Library()


@lru_cache(maxsize=512)
def _facet_html(
    name: str,
    auto_id: str,
    label: str,
    choices: tuple[tuple[str, str], ...],
    selected: tuple[str, ...],
    collapsible: bool,
) -> str:
    context = {
        "name": name,
        "auto_id": auto_id,
        "label": label,
        "choices": choices,
        "selected": selected,
        "collapsible": collapsible,
    }
    return render_to_string("offers/includes/filter_facet.html", context)


@register.simple_tag
def filter_facet(field, selected, collapsible=False):
    """One checkbox filter (a bound ``FilterMultipleChoiceField``) with ``selected`` ticked."""
    choices = tuple((str(value), str(label)) for value, label in field.field.choices)
    picked = tuple(str(value) for value in selected or ())
    html = _facet_html(field.html_name, field.auto_id, str(field.label), choices, picked, bool(collapsible))
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, which escaped every value


@receiver(file_changed, dispatch_uid="catalogue-filters-forget-panels")
def _forget_panels(sender, file_path, **kwargs):
    """The development server reloads templates as they are edited: so do the kept panels."""
    if file_path.suffix == ".html":
        _facet_html.cache_clear()
