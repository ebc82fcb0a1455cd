"""The official HSDS 3.0 schemas (tests/api/hsds-3.0/) for validating the portal's answers.

The official OpenAPI file refers to its schemas by their published addresses; here each address
resolves to the local copy, so an answer is validated against exactly what the OpenAPI file
says for its endpoint (``official_answer``), with the ``Page`` object and all. The copy has no
standalone taxonomy and taxonomy term schemas: those addresses resolve to the ones the compiled
service schema embeds (a service's attributes carry taxonomy terms, which carry taxonomies).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from offers.hsds.openapi import OFFICIAL_OPENAPI, SCHEMAS

FOLDER = Path(__file__).resolve().parent / "hsds-3.0"


def _load(name: str) -> dict:
    return json.loads((FOLDER / name).read_text(encoding="utf-8"))


OPENAPI = _load("openapi.json")
SERVICE = _load("service.json")
SERVICE_LIST = _load("service_list.json")
TAXONOMY_TERM = SERVICE["properties"]["attributes"]["items"]["properties"]["taxonomy_term"]
TAXONOMY = TAXONOMY_TERM["properties"]["taxonomy_detail"]
BY_NAME = {"service": SERVICE, "service_list": SERVICE_LIST, "taxonomy": TAXONOMY, "taxonomy_term": TAXONOMY_TERM}

REGISTRY = Registry().with_resources(
    [(OFFICIAL_OPENAPI, Resource.from_contents(OPENAPI, default_specification=DRAFT202012))]
    + [
        (SCHEMAS[name], Resource.from_contents(schema, default_specification=DRAFT202012))
        for name, schema in BY_NAME.items()
    ]
)


def official_answer(path: str) -> dict:
    """The schema the official OpenAPI file gives for a 200 JSON answer of ``GET path``."""
    pointer = path.replace("~", "~0").replace("/", "~1")
    return {"$ref": f"{OFFICIAL_OPENAPI}#/paths/{pointer}/get/responses/200/content/application~1json/schema"}


def problems(instance, schema: dict) -> list[str]:
    validator = Draft202012Validator(schema, registry=REGISTRY, format_checker=FormatChecker())
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(instance)]


def assert_valid(instance, schema: dict) -> None:
    found = problems(instance, schema)
    assert not found, "\n".join(found[:10])


def fields_outside(instance, schema: dict, where: str = "") -> list[str]:
    """Fields an answer has that its (self-contained) schema does not define: the Open Referral UK
    validator reports them; a strict run fails on them."""
    found = []
    if isinstance(instance, dict) and "properties" in schema:
        for name, value in instance.items():
            if name not in schema["properties"]:
                found.append(f"{where}.{name}")
            else:
                found.extend(fields_outside(value, schema["properties"][name], f"{where}.{name}"))
    elif isinstance(instance, list) and "items" in schema:
        for index, value in enumerate(instance):
            found.extend(fields_outside(value, schema["items"], f"{where}[{index}]"))
    return found


def empty_values(instance, where: str = "") -> list[str]:
    """Fields sent as null or empty: HSDS leaves an optional field out instead."""
    found = []
    if isinstance(instance, dict):
        for name, value in instance.items():
            if value in (None, "", [], {}):
                found.append(f"{where}.{name}")
            found.extend(empty_values(value, f"{where}.{name}"))
    elif isinstance(instance, list):
        for index, value in enumerate(instance):
            found.extend(empty_values(value, f"{where}[{index}]"))
    return found


def with_local_schemas(document: dict) -> dict:
    """An OpenAPI document with each official schema address replaced by the local copy, so a
    fuzzer validates answers without fetching anything."""
    by_address = {SCHEMAS[name]: schema for name, schema in BY_NAME.items()}

    def inline(node):
        if isinstance(node, dict):
            if set(node) == {"$ref"} and node["$ref"] in by_address:
                return copy.deepcopy(by_address[node["$ref"]])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(value) for value in node]
        return node

    return inline(document)
