"""Request bodies: JSON only, and no bigger than Django's DATA_UPLOAD_MAX_MEMORY_SIZE."""

from django.conf import settings
from rest_framework import parsers

from lga_portal.api.exceptions import PayloadTooLarge


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing bodies over the size limit with 413 before reading them."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request is not None and limit is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                raise PayloadTooLarge(f"The request body is {length} bytes; the limit is {limit}.")
        return super().parse(stream, media_type, parser_context)
