"""Checking API responses against our own OpenAPI document (as zulip does).

A small validator for the subset of JSON Schema that django-ninja emits: ``$ref``,
``anyOf``/``oneOf``/``allOf``, ``enum``, the primitive types with ``format`` date and
date-time, ``minimum``/``maximum``, ``minLength``/``maxLength``, arrays with ``items`` and
objects with ``properties``, ``required`` and ``additionalProperties``. Objects are strict:
a key the document does not describe is an error, so the document cannot fall behind.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client as HttpClient

OPENAPI_URL = "/api/v1/openapi.json"


class SchemaMismatch(AssertionError):
    pass


def load_spec() -> dict[str, Any]:
    response = HttpClient().get(OPENAPI_URL)
    assert response.status_code == 200
    spec: dict[str, Any] = response.json()
    return spec


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            raise SchemaMismatch(f"external $ref not supported: {ref}")
        node: Any = spec
        for part in ref[2:].split("/"):
            node = node[part]
        schema = node
    return schema


def _type_ok(kind: str, value: Any) -> bool:
    return {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
    }[kind](value)


def check(spec: dict[str, Any], schema: dict[str, Any], value: Any, where: str = "$") -> None:
    """Raise SchemaMismatch naming the first place where ``value`` breaks ``schema``."""
    schema = _resolve(spec, schema)
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            failures = []
            for option in schema[combinator]:
                try:
                    check(spec, option, value, where)
                except SchemaMismatch as exc:
                    failures.append(str(exc))
                else:
                    break
            else:
                raise SchemaMismatch(f"{where}: matches no {combinator} option: {failures}")
    for part in schema.get("allOf", []):
        check(spec, part, value, where)
    if "enum" in schema and value not in schema["enum"]:
        raise SchemaMismatch(f"{where}: {value!r} not in {schema['enum']}")
    kind = schema.get("type")
    if kind is None:
        return
    kinds = kind if isinstance(kind, list) else [kind]
    if not any(_type_ok(k, value) for k in kinds):
        raise SchemaMismatch(f"{where}: expected {kind}, got {type(value).__name__} {value!r}")
    if isinstance(value, str):
        _check_string(schema, value, where)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            raise SchemaMismatch(f"{where}: {value} < minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            raise SchemaMismatch(f"{where}: {value} > maximum {schema['maximum']}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check(spec, schema.get("items", {}), item, f"{where}[{i}]")
    elif isinstance(value, dict):
        _check_object(spec, schema, value, where)


def _check_string(schema: dict[str, Any], value: str, where: str) -> None:
    fmt = schema.get("format")
    try:
        if fmt == "date":
            dt.date.fromisoformat(value)
        elif fmt == "date-time":
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise SchemaMismatch(f"{where}: {value!r} is not a {fmt}") from exc
    if "minLength" in schema and len(value) < schema["minLength"]:
        raise SchemaMismatch(f"{where}: shorter than {schema['minLength']}")
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        raise SchemaMismatch(f"{where}: longer than {schema['maxLength']}")


def _check_object(
    spec: dict[str, Any], schema: dict[str, Any], value: dict[str, Any], where: str
) -> None:
    properties: dict[str, Any] = schema.get("properties", {})
    missing = [key for key in schema.get("required", []) if key not in value]
    if missing:
        raise SchemaMismatch(f"{where}: missing required {missing}")
    extra = schema.get("additionalProperties")
    for key, item in value.items():
        if key in properties:
            check(spec, properties[key], item, f"{where}.{key}")
        elif isinstance(extra, dict):
            check(spec, extra, item, f"{where}.{key}")
        elif extra is False or (properties and extra is None):
            raise SchemaMismatch(f"{where}: undocumented key {key!r}")


def check_response(
    spec: dict[str, Any], method: str, path_template: str, response: Any
) -> dict[str, Any]:
    """The response's status must be documented for the operation, and its JSON must match
    the documented schema. Returns the operation for further checks."""
    operation: dict[str, Any] = spec["paths"][path_template][method.lower()]
    status = str(response.status_code)
    if status not in operation["responses"]:
        raise SchemaMismatch(f"{method} {path_template}: status {status} is not documented")
    schema = operation["responses"][status]["content"]["application/json"]["schema"]
    check(spec, schema, response.json(), f"{method} {path_template} {status}")
    return operation
