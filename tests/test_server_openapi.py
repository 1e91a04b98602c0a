"""Every operation of /openapi.json, called as its document describes it, answers as the document says.

A client generated from the document sends what the document asks for and
expects what it promises: this walks each path and method with parameters and
bodies built from the document's own schemas (and the service's own sample
data), and checks that the status is one the operation lists and that a JSON
answer validates against the schema given for it.
"""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema_rs
import pytest
from server_helpers import NINGBO, Service, bearer, evidence, example_bytes

#: Values for path and query parameters, by name: real ids, so the calls reach the code behind them.
SAMPLES: dict[str, str] = {
    "id": "ningbo/five-have-five-good",
    "programme": NINGBO,
    "subject": "jiangbei-cicheng",
    "scheme": "jiangbei",
    "name": "zhao",
    "standard": "ningbo/five-have-five-good",
    "as_of": "2010-12-15",
    "on": "2010-12-20",
    "version": "2010",
}


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema and schema["$ref"].startswith("#/components/schemas/"):
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def instance(doc: dict[str, Any], schema: dict[str, Any], name: str = "") -> Any:
    """A value the schema accepts: the service's sample data where the name is known, else the simplest value of the type."""
    schema = _resolve(doc, schema)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(doc, s).get("type") != "null"]
            return instance(doc, options[0], name)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object":
        if not schema.get("properties"):
            return {}
        required = schema.get("required", [])
        return {k: instance(doc, v, k) for k, v in schema["properties"].items() if k in required or k in SAMPLES}
    if kind == "string":
        if name in SAMPLES:
            return SAMPLES[name]
        if schema.get("format") == "date":
            return "2011-06-30"
        if "pattern" in schema:
            return "sample"
        return "long enough text"
    if kind == "integer":
        return 1
    if kind == "boolean":
        return True
    if kind == "array":
        return []
    return None


def _validate(doc: dict[str, Any], schema: dict[str, Any], value: Any, where: str) -> None:
    # The document's schemas travel with it as $defs, so that its references resolve as in the document.
    text = json.dumps({**schema, "$defs": {**doc["components"]["schemas"], **schema.get("$defs", {})}}).replace(
        '"#/components/schemas/', '"#/$defs/'
    )
    root = {"$schema": "https://json-schema.org/draft/2020-12/schema", **json.loads(text)}
    errors = [str(e) for e in jsonschema_rs.validator_for(root).iter_errors(value)]
    assert not errors, f"{where}: {errors[:3]}"


@pytest.fixture
def seeded(service: Service) -> tuple[Service, str]:
    """A service with a submitted and assessed Jiangbei chamber, a user zhao, and an admin's token."""
    admin = service.user("root", "admin")
    service.services.users.add("zhao", "viewer", "long enough pw", actor="setup")
    service.services.users.issue_token("zhao", label="to revoke", actor="setup")
    c = service.client
    r = c.post(
        f"/api/v1/register/programmes/{NINGBO}/submissions",
        params={"on": "2010-12-01"},
        content=example_bytes("ningbo/jiangbei-certified"),
        headers={**bearer(admin), "content-type": "application/toml"},
    )
    assert r.status_code == 200
    return service, admin


def test_every_operation_answers_as_the_document_says(seeded: tuple[Service, str]) -> None:
    service, admin = seeded
    c = service.client
    doc = c.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    called = []
    # Writes in an order that makes each the next one's precondition (assess before certify before pay).
    order = ["/assess", "/certify", "/rewards/", "/waive", "/revoke", "/refuse", "/users/{name}/tokens", "/revoke", "/disable"]

    def rank(item: tuple[str, str]) -> int:
        path, method = item
        return next((i for i, part in enumerate(order) if part in path), -1) if method != "get" else -2

    operations = sorted(((p, m) for p, ops in doc["paths"].items() for m in ops), key=rank)
    for path, method in operations:
        op = doc["paths"][path][method]
        params = op.get("parameters", [])
        url = path
        query = {}
        for p in params:
            value = instance(doc, p.get("schema", {}), p["name"])
            if p["in"] == "path":
                if p["name"] == "token_id":
                    value = service.services.users.tokens("zhao")[0].id
                url = url.replace("{" + p["name"] + "}", str(value))
            elif p["in"] == "query" and (p.get("required") or p["name"] in ("as_of", "on")):
                query[p["name"]] = value
        assert "{" not in url, url
        headers = bearer(admin)
        body: bytes | None = None
        content = op.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            value = instance(doc, content["application/json"]["schema"])
            if path == "/api/v1/check":
                value = {"standard": SAMPLES["standard"], "as_of": "2010-12-15", "evidence": {"staff": {"headcount": 3}}}
            if path.endswith("/submissions"):
                value = evidence("ningbo/jiangbei-certified")  # a correction, as complete as the first
            if path.endswith("/waive"):
                value = {"criterion": "five-haves", "reason": "tested", "expires": "2011-06-30"}
            if path.endswith("/rewards/{scheme}"):
                value = {"to": "approved"}
            if path == "/api/v1/users":
                value = {"name": "qian", "role": "viewer", "password": "long enough pw"}
            body = json.dumps(value, ensure_ascii=False).encode()
            headers["content-type"] = "application/json"
        elif "application/x-ndjson" in content:
            body = b'{"subject": {"id": "x", "kind": "chamber", "jurisdiction": "ningbo"}}\n'
            headers["content-type"] = "application/x-ndjson"
        r = c.request(method.upper(), url, params=query, content=body, headers=headers)
        where = f"{method.upper()} {url}"
        assert r.status_code < 500, f"{where}: {r.status_code} {r.text[:300]}"
        assert str(r.status_code) in op["responses"], f"{where}: {r.status_code} is not among {sorted(op['responses'])}: {r.text[:300]}"
        answer = op["responses"][str(r.status_code)]
        schema = answer.get("content", {}).get("application/json", {}).get("schema")
        if schema and r.headers.get("content-type", "").startswith("application/json"):
            _validate(doc, schema, r.json(), where)
        called.append((where, r.status_code))
    # The walk reached the code, not only the checks in front of it.
    ok = [w for w, status in called if status == 200]
    # Ningbo's programme takes no nominations: a documented refusal (409), and the only call that is not a 200.
    assert [c for c in called if c[1] != 200] == [(f"POST /api/v1/register/programmes/{NINGBO}/nominations", 409)]
    assert any("certify" in w for w in ok) and any("/api/v1/check" in w for w in ok)


def test_the_document_names_every_parameter_that_the_routes_read(service: Service) -> None:
    doc = service.client.get("/openapi.json").json()
    for path, ops in doc["paths"].items():
        names = set(re.findall(r"{(\w+)}", path))
        for method, op in ops.items():
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert names == declared, f"{method} {path}: {names} vs {declared}"
            assert op.get("summary"), f"{method} {path} has no summary"
