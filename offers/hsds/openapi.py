"""The OpenAPI document of the portal's HSDS API, served at /api/hsds/openapi.json.

It is the official HSDS 3.0 OpenAPI file (``OFFICIAL_OPENAPI``) cut down to the endpoints the
portal serves — the root, services, taxonomies and taxonomy terms; it serves no organizations
list (the LGA is the one organization, nested in every service) and no service-at-location
(the offers have no locations) — with every query parameter the official file lists for them,
the same response schemas (by reference to the official ones), and the portal's own limits
(``per_page`` at most 1,000, identifiers as UUIDs) and error answers. The root endpoint's
``openapi_url`` points here. tests/api/test_hsds_openapi.py checks it against the official file.
"""

from __future__ import annotations

from offers.hsds.params import DEFAULT_PER_PAGE, MAX_PER_PAGE
from offers.models import SEARCH_MAX_LENGTH

SPECIFICATION = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
OFFICIAL_OPENAPI = f"{SPECIFICATION}openapi.json"
SCHEMAS = {
    "service": f"{SPECIFICATION}compiled/service.json",
    "service_list": f"{SPECIFICATION}compiled/service_list.json",
    "taxonomy": f"{SPECIFICATION}taxonomy.json",
    "taxonomy_term": f"{SPECIFICATION}taxonomy_term.json",
}
NDJSON = "application/x-ndjson"
UUID = {"type": "string", "format": "uuid"}


def _query(name: str, description: str, schema: dict) -> dict:
    # An empty value counts as not given, as in an HTML form (and in the portal's own API).
    return {
        "name": name,
        "in": "query",
        "required": False,
        "allowEmptyValue": True,
        "description": description,
        "schema": schema,
    }


PARAMETERS = {
    "search": _query(
        "search",
        "Full text search: the catalogue search over titles, summaries, descriptions and what offers include "
        "(best matches first); for taxonomies and terms, their names.",
        {"type": "string", "maxLength": SEARCH_MAX_LENGTH},
    ),
    "page": _query("page", "Page number of paginated result, from 1.", {"type": "integer", "minimum": 1, "default": 1}),
    "per_page": _query(
        "per_page",
        f"Number of results requested in a single page, 1 to {MAX_PER_PAGE} (default {DEFAULT_PER_PAGE}; "
        f"{MAX_PER_PAGE} with `minimal`).",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
    ),
    "format": _query(
        "format",
        "`json` (the default): a page of results. `ndjson`: every result, one JSON record a line, streamed "
        "without pagination (`page` and `per_page` are then ignored).",
        {"type": "string", "enum": ["json", "ndjson"], "default": "json"},
    ),
    "taxonomy_term_id": _query(
        "taxonomy_term_id", "Only services with this taxonomy term (a theme, audience or format).", UUID
    ),
    "taxonomy_id": _query("taxonomy_id", "Only services with any term of this taxonomy.", UUID),
    "organization_id": _query("organization_id", "Only services this organization provides.", UUID),
    "modified_after": _query(
        "modified_after",
        "Only results modified on or after this date and time (ISO 8601; a date alone means its midnight, "
        "London time).",
        {"type": "string", "format": "date-time"},
    ),
    "minimal": _query(
        "minimal",
        "Services with just `id` and `last_modified` (HSDS calls it the modified date); `per_page` is then "
        f"{MAX_PER_PAGE} unless given, so that one call returns every service.",
        {"type": "boolean", "default": False},
    ),
    "full": _query(
        "full", "Fully nested services, as `/services/{id}` gives them.", {"type": "boolean", "default": False}
    ),
    "top_only": _query(
        "top_only",
        "Only terms without a parent. The portal's taxonomies are flat, so every term is one.",
        {"type": "boolean", "default": False},
    ),
    "parent_id": _query(
        "parent_id", "Only terms that have a parent with this id. The taxonomies are flat: none has.", UUID
    ),
}


def _id(entity: str) -> list[dict]:
    return [
        {
            "in": "path",
            "name": "id",
            "required": True,
            "description": f"The id of the {entity} that the request is intended to retrieve.",
            "schema": {"type": "string"},
        }
    ]


def _error(description: str, headers: dict | None = None) -> dict:
    answer = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if headers:
        answer["headers"] = headers
    return answer


def _responses(description: str, schema: dict, *, paged: bool) -> dict:
    content = {"application/json": {"schema": schema}}
    if paged:
        content[NDJSON] = {"schema": {"type": "string", "description": "With `format=ndjson`: one record a line."}}
    return {
        "200": {"description": description, "content": content},
        "400": _error("A query parameter is not valid: `errors` names each one and says why."),
        "401": _error("The token sent is invalid, expired or revoked (none is needed)."),
        "404": _error("No such record, or a page past the last one."),
        "406": _error("The `Accept` header asks for a format this endpoint cannot give."),
        "429": _error(
            "Too many requests: wait for `Retry-After` seconds.",
            {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
        ),
    }


def _page_of(item: str) -> dict:
    return {
        "allOf": [{"$ref": "#/components/schemas/Page"}],
        "properties": {"contents": {"type": "array", "items": {"$ref": SCHEMAS[item]}}},
    }


def _list(operation_id: str, summary: str, item: str, names: list[str]) -> dict:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": [PARAMETERS[name] for name in names],
            "responses": _responses(summary, _page_of(item), paged=True),
        }
    }


def _one(operation_id: str, summary: str, item: str, entity: str) -> dict:
    return {
        "parameters": _id(entity),
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "responses": _responses(summary, {"$ref": SCHEMAS[item]}, paged=False),
        },
    }


LIST_PARAMETERS = ["search", "page", "per_page", "format"]


def hsds_openapi(server_url: str) -> dict:
    """The document, with ``server_url`` (this API's root, absolute) as its server."""
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "LGA support offers as Open Referral HSDS 3.0",
            "version": "3.0",
            "summary": "The LGA's sector-led improvement catalogue for councils, as HSDS 3.0 open data.",
            "description": "Each published offer is a service of one organization, the Local Government "
            "Association; themes, audiences and formats are taxonomies. Identifiers are stable UUIDs. Open to "
            "any origin (CORS), no sign-in, rate-limited. Endpoints and schemas are those of the HSDS 3.0 "
            f"OpenAPI file ({OFFICIAL_OPENAPI}); errors are JSON: `status`, `code`, `detail`, and `errors` "
            "naming each bad parameter.",
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": {
            "/": {
                "get": {
                    "operationId": "getAPIMetaInformation",
                    "summary": "Retrieve information about this API and its relationship with HSDS.",
                    "responses": _responses(
                        "Information about this API.",
                        {
                            "type": "object",
                            "required": ["version", "profile", "openapi_url"],
                            "properties": {
                                "version": {"type": "string", "description": "HSDS version of this API."},
                                "profile": {
                                    "type": "string",
                                    "format": "uri",
                                    "description": "URL of the information on the HSDS profile of this API.",
                                },
                                "openapi_url": {
                                    "type": "string",
                                    "format": "uri",
                                    "description": "URL of the openapi JSON file which defines this API.",
                                },
                            },
                        },
                        paged=False,
                    ),
                }
            },
            "/services/{id}": _one(
                "getFullyNestedServiceById",
                "Retrieves a fully nested service with all related data with id.",
                "service",
                "service",
            ),
            "/services": _list(
                "getPaginatedListOfServices",
                "Retrieves paginated listings of services that only have one-to-one fields in them.",
                "service_list",
                [
                    *LIST_PARAMETERS,
                    "taxonomy_term_id",
                    "taxonomy_id",
                    "organization_id",
                    "modified_after",
                    "minimal",
                    "full",
                ],
            ),
            "/taxonomies/{id}": _one(
                "getTaxonomyById", "Retrieves full information on a taxonomy by {id}.", "taxonomy", "taxonomy"
            ),
            "/taxonomies": _list(
                "getPaginatedListOfTaxonomies", "Paginated listing of taxonomies.", "taxonomy", LIST_PARAMETERS
            ),
            "/taxonomy_terms/{id}": _one(
                "getTaxonomyTermById", "Full information on a taxonomy term.", "taxonomy_term", "taxonomy term"
            ),
            "/taxonomy_terms": _list(
                "getPaginatedListOfTaxonomyTerms",
                "Paginated listing of taxonomy terms",
                "taxonomy_term",
                [*LIST_PARAMETERS, "taxonomy_id", "top_only", "parent_id"],
            ),
        },
        "components": {
            "schemas": {
                "Page": {
                    "type": "object",
                    "required": [
                        "total_items",
                        "total_pages",
                        "page_number",
                        "size",
                        "first_page",
                        "last_page",
                        "empty",
                        "contents",
                    ],
                    "properties": {
                        "total_items": {"type": "integer", "description": "The total number of entities returned."},
                        "total_pages": {"type": "integer", "description": "Count of total pages."},
                        "page_number": {"type": "integer", "description": "The number of the current page."},
                        "size": {"type": "integer", "description": "The number of entities in the current page."},
                        "first_page": {"type": "boolean", "description": "Whether this is the first page."},
                        "last_page": {"type": "boolean", "description": "Whether this is the last page."},
                        "empty": {"type": "boolean", "description": "Whether the result set is empty."},
                        "contents": {"type": "array", "description": "The entities on this page."},
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["status", "code", "detail", "errors"],
                    "properties": {
                        "status": {"type": "integer", "description": "The HTTP status code."},
                        "code": {"type": "string", "description": "A short code: invalid, not_found, throttled…"},
                        "detail": {"type": "string", "description": "What went wrong, in a sentence."},
                        "errors": {
                            "type": "object",
                            "description": "For 400: each query parameter at fault, with its messages.",
                            "additionalProperties": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                },
            }
        },
    }
