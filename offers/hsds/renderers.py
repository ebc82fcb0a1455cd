"""``format=ndjson``: every result of a list, one JSON record a line, streamed without paging.

HSDS: "Could be `ndjson` which should stream all the results without pagination." Rows are
read from the database in chunks (with their prefetches), so memory stays flat.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer
from rest_framework.utils.encoders import JSONEncoder

MEDIA_TYPE = "application/x-ndjson"
CHUNK_ROWS = 500


def _line(record: dict) -> str:
    return json.dumps(record, cls=JSONEncoder, ensure_ascii=False) + "\n"


class NDJSONRenderer(BaseRenderer):
    """Chosen by ``?format=ndjson`` or ``Accept: application/x-ndjson``; lists stream instead
    (``ndjson_response``), so what this renders is a single record."""

    media_type = MEDIA_TYPE
    format = "ndjson"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return b"" if data is None else _line(data).encode("utf-8")


def ndjson_response(records: Iterable[dict]) -> StreamingHttpResponse:
    return StreamingHttpResponse((_line(record) for record in records), content_type=f"{MEDIA_TYPE}; charset=utf-8")


def rows_of(items):
    """Iterate a queryset in chunks (keeping its prefetches), or a list as it is."""
    return items.iterator(chunk_size=CHUNK_ROWS) if hasattr(items, "iterator") else iter(items)
