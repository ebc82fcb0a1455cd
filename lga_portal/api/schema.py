"""OpenAPI generation: the error shape on every operation, CSV answers, and schema tidying."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from rest_framework import permissions, serializers

CSV_DESCRIPTION = (
    "The whole filtered list as CSV (not paged), streamed: asked for with `?format=csv` or "
    '`Accept: text/csv`. Nested fields become `parent.field` columns; lists are joined with "; ".'
)


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer."""

    status = serializers.IntegerField(help_text="The HTTP status code, repeated for convenience.")
    code = serializers.CharField(
        help_text="A short code for programs: invalid, parse_error, not_authenticated, authentication_failed, "
        "permission_denied, not_found, not_acceptable, unsupported_media_type, too_large, conflict, throttled."
    )
    detail = serializers.CharField(help_text="What went wrong, in a sentence.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="For 400: each query parameter or body field at fault (nested fields joined with '.', "
        "errors about the whole request under 'non_field_errors'), with its messages. Empty otherwise.",
    )


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The field that changed.")
    was = serializers.CharField(help_text="Its value in the version the writer had read.")
    now = serializers.CharField(help_text="Its value now.")


class ConflictSerializer(ErrorSerializer):
    """A write based on an old version was refused (409)."""

    current_version = serializers.IntegerField(help_text="The record's version now; re-read it and try again.")
    changes = ChangeSerializer(many=True, help_text="What others changed since the version the writer had read.")


RETRY_AFTER = {
    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before trying again."},
}


def _is_public(view) -> bool:
    return all(issubclass(p, permissions.AllowAny) for p in getattr(view, "permission_classes", []))


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's schema plus the error answers every operation can give."""

    def get_paginated_name(self, serializer_name: str) -> str:
        # Each paging style gets its own envelope component (pages for lists, a cursor for the feed).
        prefix = getattr(self._get_paginator(), "schema_name_prefix", "Paginated")
        return f"{prefix}{serializer_name}List"

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        writes = self.method in ("POST", "PUT", "PATCH")

        def add(code: str, description: str, headers: dict | None = None) -> None:
            if code in responses:
                return
            responses[code] = {"content": {"application/json": {"schema": error}}, "description": description}
            if headers:
                responses[code]["headers"] = headers

        add("400", "A query parameter or body field is not valid: `errors` names each one and says why.")
        add("401", "The token is invalid, expired or revoked, or this operation needs you to sign in.")
        if writes or self.method == "DELETE" or not _is_public(self.view):
            add("403", "Signed in, but your role may not do this.")
        add("404", "No such record, or a page past the last one, or an unknown `format`.")
        add("406", "The `Accept` header asks for a format this operation cannot give.")
        if writes:
            add("413", "The request body is larger than the server accepts.")
            add("415", "The request body is not `application/json`.")
        add("429", "Too many requests: wait for `Retry-After` seconds.", RETRY_AFTER)
        return dict(sorted(responses.items()))


def describe_csv_answers(result, generator, request, public):
    """Postprocessing hook: CSV answers are text, not the JSON page schema the renderer list implies."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                content = response.get("content", {})
                if "text/csv" in content:
                    content["text/csv"] = {"schema": {"type": "string", "description": CSV_DESCRIPTION}}
    return result


COMMON_DESCRIPTIONS = {
    "id": "The record's number in the portal; stable, never reused.",
    "results": "The rows on this page.",
}
PATH_PARAMETER_DESCRIPTIONS = {
    "slug": "The record's slug: its stable identifier in addresses and filters.",
    "gss_code": "The council's ONS (GSS) code, e.g. E06000001.",
}
FORMAT_DESCRIPTION = "`json` (the default) or `csv` for the whole filtered list as CSV (same as `Accept: text/csv`)."


def describe_common_fields(result, generator, request, public):
    """Postprocessing hook: descriptions for the fields and parameters every resource shares, and
    ``allowEmptyValue`` on optional query parameters: an empty value means "not given", as in a form."""
    for schema in result.get("components", {}).get("schemas", {}).values():
        for name, prop in schema.get("properties", {}).items():
            if name in COMMON_DESCRIPTIONS and "description" not in prop:
                prop["description"] = COMMON_DESCRIPTIONS[name]
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
                if parameter.get("description"):
                    continue
                if parameter["in"] == "query" and parameter["name"] == "format":
                    parameter["description"] = FORMAT_DESCRIPTION
                elif parameter["in"] == "path" and parameter["name"] in PATH_PARAMETER_DESCRIPTIONS:
                    parameter["description"] = PATH_PARAMETER_DESCRIPTIONS[parameter["name"]]
    return result
