"""The JSON API: the same answers as the command line, exact numbers, clear errors, bounded bodies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from server_helpers import EXAMPLES, Service, evidence

from helpers import fivegood

NINGBO_STD = "ningbo/five-have-five-good"


def test_health_says_the_service_and_its_register_are_up(service: Service) -> None:
    r = service.client.get("/api/v1/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["standards"] == len(service.services.engine.standards())


def test_standards_are_listed_with_versions_dates_and_which_is_in_force(service: Service) -> None:
    r = service.client.get("/api/v1/standards", params={"as_of": "2012-10-01"})
    assert r.status_code == 200
    rows = {row["ref"]: row for row in r.json()}
    assert rows["henan/five-guarantees@2012"]["in_force"] is True
    assert rows["henan/five-guarantees@2013"]["in_force"] is False
    assert rows["henan/five-guarantees@2013"]["effective_from"] == "2013-01-25"
    later = {row["ref"]: row["in_force"] for row in service.client.get("/api/v1/standards", params={"as_of": "2014-01-01"}).json()}
    assert later["henan/five-guarantees@2013"] is True and later["henan/five-guarantees@2012"] is False


def test_a_standard_is_shown_by_version_or_by_date_article_by_article(service: Service) -> None:
    by_date = service.client.get("/api/v1/standards/henan/five-guarantees", params={"as_of": "2012-10-01"}).json()
    assert by_date["version"] == "2012"
    pinned = service.client.get("/api/v1/standards/henan/five-guarantees", params={"version": "2013"}).json()
    assert pinned["version"] == "2013"
    assert service.client.get("/api/v1/standards/henan/five-guarantees@2013").json()["content_hash"] == pinned["content_hash"]

    def walk(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [n for node in nodes for n in [node, *walk(node["children"])]]

    premises = [c for c in walk(pinned["criteria"]) if "office.area_m2" in c["inputs"]]
    assert premises and premises[0]["threshold"] and premises[0]["citation"]
    county = service.client.get("/api/v1/standards/henan/county-five-good@2013").json()
    assert any(c["citation"] for c in walk(county["criteria"]))


def test_unknown_standards_are_404_and_bad_dates_422(service: Service) -> None:
    r = service.client.get("/api/v1/standards/henan/no-such-standard")
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_standard"
    assert "henan/five-guarantees" in r.json()["error"]["message"]
    r = service.client.get("/api/v1/standards/henan/five-guarantees", params={"as_of": "2013-02-30"})
    assert r.status_code == 422 and r.json()["error"]["problems"][0]["key"] == "as_of"
    r = service.client.get("/api/v1/standards/henan/five-guarantees", params={"as_of": "1999-01-01"})
    assert r.status_code == 404


def test_the_template_is_the_command_lines(service: Service) -> None:
    r = service.client.get("/api/v1/standards/ningbo/five-have-five-good/template", params={"as_of": "2010-12-01"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/toml")
    cli = fivegood("template", "--standard", NINGBO_STD, "--as-of", "2010-12-01")
    assert r.text == cli.stdout


def _check(service: Service, standard: str, ev: Any, as_of: str | None = None) -> Any:
    body: dict[str, Any] = {"standard": standard, "evidence": ev}
    if as_of:
        body["as_of"] = as_of
    return service.client.post("/api/v1/check", json=body)


@pytest.mark.parametrize(
    "example, standard, as_of, verdict",
    [
        ("ningbo/jiangbei-certified", NINGBO_STD, "2010-12-01", "pass"),
        ("ningbo/jiangbei-failed", NINGBO_STD, "2010-12-01", "fail"),
        ("henan/xinzheng", "henan/county-five-good", "2014-01-01", "incomplete"),
        ("henan/model-county", "henan/county-five-good", "2014-01-01", "pass"),
    ],
)
def test_check_answers_exactly_what_fivegood_check_writes(service: Service, example: str, standard: str, as_of: str, verdict: str) -> None:
    r = _check(service, standard, evidence(example), as_of)
    assert r.status_code == 200  # whatever the verdict
    cli = fivegood("check", str(EXAMPLES / f"{example}.toml"), "--standard", standard, "--as-of", as_of, "--format", "json")
    expected = json.loads(cli.stdout)
    got = r.json()
    assert got["verdict"] == verdict == expected["verdict"]
    # The subject, criteria, reward and warnings are the command line's; only the evidence's name differs.
    for key in ("standard", "subject", "failed", "unknown", "missing", "criteria", "reward", "warnings", "engine"):
        assert got[key] == expected[key], key


def test_a_jiangbei_chamber_earns_15000_as_a_string(service: Service) -> None:
    reward = _check(service, NINGBO_STD, evidence("ningbo/jiangbei-certified"), "2010-12-01").json()["reward"]
    assert reward["amount"] == "15000" and reward["currency"] == "CNY"
    assert reward["payer"]["zh"] == "江北区人民政府"


def test_bad_evidence_is_422_with_the_command_lines_message(service: Service, tmp_path: Path) -> None:
    ev = evidence("ningbo/jiangbei-certified")
    ev["staff"]["headcount"] = "three"
    r = _check(service, NINGBO_STD, ev, "2010-12-01")
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "bad_evidence"
    assert error["problems"][0]["key"] == "staff.headcount"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(ev, ensure_ascii=False), encoding="utf-8")
    cli = fivegood("check", str(bad), "--standard", NINGBO_STD, "--as-of", "2010-12-01", "--lang", "en")
    assert cli.returncode == 2
    assert error["problems"][0]["message"] in cli.stderr
    assert "应为" in error["problems"][0]["message_zh"]


def test_decimal_evidence_stays_exact(service: Service) -> None:
    # 59.99999999999999999999 m² is short of 60 m²; as a binary float it would round up to 60 and pass.
    ev = evidence("henan/model-county")
    ev["office"]["area_m2"] = "AREA"
    body = json.dumps({"standard": "henan/five-guarantees", "as_of": "2014-01-01", "evidence": ev}, ensure_ascii=False)
    body = body.replace('"AREA"', "59.99999999999999999999")
    r = service.client.post("/api/v1/check", content=body.encode(), headers={"content-type": "application/json"})
    assert r.status_code == 200
    result = r.json()
    assert result["verdict"] == "fail"
    assert any("premises" in c or "office" in c for c in result["failed"])


@pytest.mark.parametrize(
    "body, key",
    [
        (b'{"standard": "ningbo/five-have-five-good", "evidence": {}, "standard": "x/y"}', None),
        (b'{"standard": "ningbo/five-have-five-good", "evidence": [], "as_of": "2010-12-01"}', "evidence"),
        (b'{"standard": 5, "evidence": {}}', "standard"),
        (b'{"standard": "../../etc/passwd", "evidence": {}}', "standard"),
        (b'{"standard": "ningbo/five-have-five-good", "evidence": {}, "extra": 1}', "extra"),
        (b'{"standard": "ningbo/five-have-five-good", "evidence": {}, "as_of": "yesterday"}', "as_of"),
        (b"not json", None),
        (b'\xff\xfe{"x": 1}', None),
    ],
)
def test_malformed_requests_are_422_naming_the_field(service: Service, body: bytes, key: str | None) -> None:
    r = service.client.post("/api/v1/check", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["message"] and error["message_zh"]
    if key:
        assert error["problems"][0]["key"] == key


def test_a_missing_field_is_said_to_be_missing_in_both_languages(service: Service) -> None:
    r = service.client.post("/api/v1/check", json={"evidence": {}})
    problem = r.json()["error"]["problems"][0]
    assert r.status_code == 422 and problem["key"] == "standard"
    assert problem["message"] == "this field is required" and problem["message_zh"] == "此项必填"
    r = service.client.post("/api/v1/users", json={"name": "x", "role": "viewer"}, headers={"Authorization": "Bearer fg_x"})
    problems = {p["key"]: p for p in r.json()["error"]["problems"]}
    assert r.status_code == 422 and problems["password"]["message_zh"] == "此项必填"


def test_an_unknown_standard_in_a_check_is_404(service: Service) -> None:
    r = _check(service, "ningbo/no-such", {})
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_standard"


def test_an_oversized_body_is_refused_before_it_is_read(tmp_path: Path) -> None:
    s = Service(str(tmp_path / "r.sqlite3"), max_evidence_body=1000)
    try:
        r = s.client.post("/api/v1/check", content=b"{" + b" " * 2000 + b"}", headers={"content-type": "application/json"})
        assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    finally:
        s.close()


def test_a_batch_answers_the_rows_fivegood_batch_writes(service: Service, tmp_path: Path) -> None:
    source = EXAMPLES / "ningbo" / "batch.jsonl"
    r = service.client.post(
        "/api/v1/batch",
        params={"standard": NINGBO_STD, "as_of": "2010-12-01"},
        content=source.read_bytes(),
        headers={"content-type": "application/x-ndjson"},
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in r.text.splitlines()]
    out = tmp_path / "rows.jsonl"
    fivegood("batch", str(source), "--standard", NINGBO_STD, "--as-of", "2010-12-01", "--output", str(out))
    expected = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # Error rows name the input; the service calls its body <body>.
    for row in expected:
        if row["error"]:
            row["error"] = row["error"].replace(str(source), "<body>")
    assert rows == expected
    assert any(row["reward"] and row["reward"]["amount"] == "15000" for row in rows)


def test_a_batch_of_json_lines_takes_the_fast_lane_and_answers_the_reference_bytes(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fivegood_core.batch.fast import FastLane

    body = (EXAMPLES / "ningbo" / "batch.jsonl").read_bytes()
    calls = []
    fast = FastLane._fast
    monkeypatch.setattr(FastLane, "_fast", lambda self, line, text: calls.append(line) or fast(self, line, text))

    def post() -> str:
        r = service.client.post(
            "/api/v1/batch",
            params={"standard": NINGBO_STD, "as_of": "2010-12-01"},
            content=body,
            headers={"content-type": "application/x-ndjson"},
        )
        assert r.status_code == 200
        return r.text

    fast_text = post()
    assert calls  # the service's JSON Lines went on the fast lane, as the command's do
    calls.clear()
    monkeypatch.setenv("FIVEGOOD_BATCH_REFERENCE", "1")
    assert post() == fast_text and not calls  # the reference path gives the same bytes


def test_a_batch_reads_csv_and_keeps_going_past_a_bad_line(service: Service) -> None:
    csv_rows = (EXAMPLES / "ningbo" / "batch.csv").read_text(encoding="utf-8").splitlines()

    def post(lines: list[str]) -> list[dict[str, Any]]:
        r = service.client.post(
            "/api/v1/batch",
            params={"standard": NINGBO_STD, "as_of": "2010-12-01"},
            content="\n".join(lines).encode(),
            headers={"content-type": "text/csv"},
        )
        assert r.status_code == 200
        return [json.loads(line) for line in r.text.splitlines()]

    before = post(csv_rows)
    assert before[1]["error"] is None
    after = post(csv_rows[:2] + [csv_rows[2].replace(",3,", ",three,", 1)] + csv_rows[3:])
    assert len(after) == len(before)
    assert after[1]["line"] == 3 and "staff.headcount" in after[1]["error"]
    # Every other row is exactly as before.
    assert [r for i, r in enumerate(after) if i != 1] == [r for i, r in enumerate(before) if i != 1]


def test_a_batch_body_of_another_type_or_too_large_is_refused(tmp_path: Path) -> None:
    s = Service(str(tmp_path / "r.sqlite3"), max_batch_body=100)
    try:
        r = s.client.post("/api/v1/batch", params={"standard": NINGBO_STD}, content=b"x", headers={"content-type": "application/pdf"})
        assert r.status_code == 415
        r = s.client.post(
            "/api/v1/batch", params={"standard": NINGBO_STD}, content=b"{}\n" * 100, headers={"content-type": "application/x-ndjson"}
        )
        assert r.status_code == 413
    finally:
        s.close()


def test_the_openapi_document_describes_every_route_and_its_errors(service: Service) -> None:
    doc = service.client.get("/openapi.json").json()
    paths = doc["paths"]
    for path in (
        "/api/v1/standards",
        "/api/v1/standards/{id}",
        "/api/v1/standards/{id}/template",
        "/api/v1/check",
        "/api/v1/batch",
        "/api/v1/register/programmes/{programme}/submissions",
        "/api/v1/register/programmes/{programme}/subjects/{subject}/certify",
        "/api/v1/register/ledger",
        "/api/v1/health",
    ):
        assert path in paths, path
    check = paths["/api/v1/check"]["post"]
    schema = check["requestBody"]["content"]["application/json"]["schema"]
    assert set(schema["required"]) == {"standard", "evidence"}
    assert "422" in check["responses"] and "404" in check["responses"]
    certify = paths["/api/v1/register/programmes/{programme}/subjects/{subject}/certify"]["post"]
    assert {"401", "403", "409"} <= set(certify["responses"])
    # The routes that need a user say so, with the bearer scheme; checking evidence does not.
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert certify["security"] == [{"bearer": []}]
    assert "security" not in check
    # No page is in the API's document.
    assert not any(p.startswith("/programmes") or p == "/" for p in paths)


def test_metrics_count_requests_and_verdicts_without_evidence(service: Service) -> None:
    ev = evidence("ningbo/jiangbei-certified")
    _check(service, NINGBO_STD, ev, "2010-12-01")
    text = service.client.get("/metrics").text
    assert 'fivegood_requests_total{method="POST",route="/api/v1/check",status="200"} 1' in text
    assert 'fivegood_verdicts_total{verdict="pass"} 1' in text
    assert "慈城" not in text and "jiangbei-cicheng" not in text


def test_request_logs_name_the_route_not_the_evidence(service: Service, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="fivegood.server")
    _check(service, NINGBO_STD, evidence("ningbo/jiangbei-certified"), "2010-12-01")
    service.client.get("/api/v1/standards/henan/five-guarantees", params={"as_of": "2013-05-05"})
    lines = [r.getMessage() for r in caplog.records if r.name == "fivegood.server"]
    assert any("POST /api/v1/check 200" in line for line in lines)
    joined = "\n".join(lines)
    assert "慈城" not in joined and "50000" not in joined and "2013-05-05" not in joined
