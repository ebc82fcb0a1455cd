"""The API's JSON parser: DRF's, refusing bodies nested deeper than any write needs.

Python's JSON decoder recurses once per level, so a body of a few thousand brackets
(``[[[[…]]]]``) raised RecursionError and the API answered an HTML 500. Such bodies are now a
400 ``parse_error`` in the API's JSON error shape, whichever endpoint they are sent to.
"""

from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# The deepest write body is an engagement: an object holding lists of identifiers (depth 2).
# The limit leaves room for richer bodies to come while keeping every later walk of the data
# (validation, error messages) far from Python's recursion limit.
MAX_DEPTH = 32
NESTED_TOO_DEEPLY = f"JSON parse error - the body is nested more than {MAX_DEPTH} levels deep."


def nesting_depth(value) -> int:
    """How many arrays and objects deep ``value`` goes (a scalar is 0), without recursing."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break  # deep enough to refuse; no need to walk the rest
        stack.extend((child, depth + 1) for child in children)
    return deepest


class BoundedJSONParser(JSONParser):
    """JSON bodies at most ``MAX_DEPTH`` levels deep; deeper ones are a ParseError (400)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(NESTED_TOO_DEEPLY) from None
        if nesting_depth(data) > MAX_DEPTH:
            raise ParseError(NESTED_TOO_DEEPLY)
        return data
