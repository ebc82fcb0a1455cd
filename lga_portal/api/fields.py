"""Serializer fields shared by the apps' APIs."""

from collections.abc import Callable

from django.urls import reverse
from rest_framework import serializers

# A value the route's converter accepts (digits suit an id and a slug) that no address contains.
_MARK = "987654321987"


class LinkField(serializers.HyperlinkedIdentityField):
    """The record's absolute API address, without the request's ``format`` (so CSV rows link to JSON)."""

    def get_url(self, obj, view_name, request, format):
        lookup_value = getattr(obj, self.lookup_field)
        if lookup_value in (None, ""):
            return None
        path = reverse(view_name, kwargs={self.lookup_url_kwarg: lookup_value})
        return request.build_absolute_uri(path) if request is not None else path

    def to_representation(self, value):
        # A plain string, not DRF's Hyperlink (a str subclass that WSGI servers refuse as a header).
        url = super().to_representation(value)
        return None if url is None else str(url)

    def addresses(self, request) -> Callable[[object], str]:
        """``lookup value -> address`` for the rows of a list: the route is reversed once for them all,
        since reversing costs more than the rest of a row's output."""
        path = reverse(self.view_name, kwargs={self.lookup_url_kwarg: _MARK})
        before, after = (request.build_absolute_uri(path) if request is not None else path).rsplit(_MARK, 1)
        return lambda lookup_value: f"{before}{lookup_value}{after}"
