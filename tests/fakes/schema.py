"""What OpenAI's strict JSON-schema mode would say of a request, for the fake server."""

from __future__ import annotations

import json
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, best_match


def _strict_schema(body: dict[str, Any]) -> tuple[str, Any] | None:
    fmt = body.get("response_format")
    if not isinstance(fmt, dict) or fmt.get("type") != "json_schema":
        return None
    spec = fmt.get("json_schema")
    if not isinstance(spec, dict):
        return ("", None)
    return (str(spec.get("name") or ""), spec.get("schema")) if spec.get("strict") else None


def schema_problem(body: dict[str, Any]) -> str | None:
    """Why OpenAI would refuse this request's strict response_format, or None."""
    strict = _strict_schema(body)
    if strict is None:
        return None
    name, schema = strict
    if not name or not isinstance(schema, dict):
        return "response_format json_schema needs a name and a schema object."
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return f"Invalid schema for response_format '{name}': {exc.message}."
    return _strict_rule_problem(name, schema, "schema")


def _strict_rule_problem(name: str, node: Any, where: str) -> str | None:
    """Strict mode: every object closed, every property required (OpenAI's two rules)."""
    if isinstance(node, list):
        children = [(f"{where}[{i}]", v) for i, v in enumerate(node)]
    elif isinstance(node, dict):
        if node.get("type") == "object" or "properties" in node:
            props = set((node.get("properties") or {}).keys())
            if node.get("additionalProperties") is not False:
                return (
                    f"Invalid schema for response_format '{name}': In context={where}, "
                    "'additionalProperties' is required to be supplied and to be false."
                )
            missing = sorted(props - set(node.get("required") or []))
            if missing:
                return (
                    f"Invalid schema for response_format '{name}': In context={where}, "
                    f"'required' must include every property; missing {missing}."
                )
        children = [(f"{where}.{k}", v) for k, v in node.items()]
    else:
        return None
    for child_where, child in children:
        problem = _strict_rule_problem(name, child, child_where)
        if problem is not None:
            return problem
    return None


def reply_mismatch(body: dict[str, Any], reply: str | dict[str, Any] | list[Any]) -> str | None:
    """A scripted reply that parses as JSON but breaks the request's strict schema."""
    strict = _strict_schema(body)
    if strict is None or not isinstance(strict[1], dict):
        return None
    try:
        data = json.loads(reply if isinstance(reply, str) else json.dumps(reply))
    except json.JSONDecodeError:
        return None  # deliberately malformed output: the client's retry path is under test
    error = best_match(Draft202012Validator(strict[1]).iter_errors(data))
    return None if error is None else f"{strict[0]}: {error.message}"
