"""Template filters for search results: ``{% load offer_search %}``."""

from django import template

from offers.search import extract_html

register = template.Library()


@register.filter
def search_extract(raw):
    """The passage that matched, escaped, with the matched words in <mark> (empty if none)."""
    return extract_html(raw)
