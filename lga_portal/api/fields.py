"""Serializer fields shared by the apps' APIs."""

from django.urls import reverse
from rest_framework import serializers


class LinkField(serializers.HyperlinkedIdentityField):
    """The record's absolute API address, without the request's ``format`` (so CSV rows link to JSON)."""

    def get_url(self, obj, view_name, request, format):
        lookup_value = getattr(obj, self.lookup_field)
        if lookup_value in (None, ""):
            return None
        path = reverse(view_name, kwargs={self.lookup_url_kwarg: lookup_value})
        return request.build_absolute_uri(path) if request is not None else path
