"""/healthz when the worker goes away. Kept apart: no other module's worker may be alive."""

import pytest

from tests.support.worker import running_worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_unhealthy_when_no_worker_answers(client):
    with running_worker(name="transient"):
        assert client.get("/healthz").status_code == 200
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["failing"] == ["worker"]
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["broker"]["ok"] is True
