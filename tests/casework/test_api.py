"""The case API: filing with an Idempotency-Key, the queue, the public lookup."""

from __future__ import annotations

import json

from jiuye.casework.models import Case
from jiuye.testing.signin import SignedInClient
from tests.casework.world import GRADUATE_ID, STARTUP_FACTS

BODY = {
    "rule_id": "startup_subsidy",
    "subject_id": GRADUATE_ID,
    "subject_name": "张小三",
    "declared": STARTUP_FACTS,
}


def _clerk(world):
    client = SignedInClient()
    client.force_login(world.staff["fuyu"])
    return client


def _post(client, body, key="k-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        "/api/v1/staff/cases", json.dumps(body), content_type="application/json", **headers
    )


def test_a_retry_returns_the_first_answer(world):
    client = _clerk(world)
    first = _post(client, BODY)
    again = _post(client, BODY)
    assert first.status_code == 201
    assert again.status_code == 201
    assert again.json() == first.json()
    assert first.json()["status"] == "eligible"
    assert first.json()["amount_yuan"] == "5000.00"
    assert Case.objects.count() == 1


def test_same_key_different_body_is_422_and_changes_nothing(world):
    client = _clerk(world)
    _post(client, BODY)
    other = _post(client, dict(BODY, subject_name="张小四"))
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert Case.objects.count() == 1


def test_missing_key_is_422(world):
    response = _post(_clerk(world), BODY, key=None)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_required"
    assert Case.objects.count() == 0


def test_a_refusal_is_stored_too(world):
    client = _clerk(world)
    bad = _post(client, dict(BODY, subject_id="220702199801011234"), key="bad")
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_subject"


def test_staff_endpoints_need_sign_in(world, client):
    assert (
        client.post("/api/v1/staff/cases", "{}", content_type="application/json").status_code == 401
    )


def test_public_lookup_needs_the_last_six(world, client):
    created = _post(_clerk(world), BODY).json()
    ok = client.get(f"/api/v1/cases/{created['code']}", {"last6": GRADUATE_ID[-6:]})
    wrong = client.get(f"/api/v1/cases/{created['code']}", {"last6": "000000"})
    assert ok.status_code == 200
    assert ok.json()["state"] == "reviewing"
    assert ok.json()["events"] == []
    assert wrong.status_code == 404
