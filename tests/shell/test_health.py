"""/healthz against the real database, broker and a real worker process."""

import pytest
from django.conf import settings

from civicportal.celery import app

pytestmark = pytest.mark.django_db(transaction=True)


def test_healthy_when_database_broker_and_worker_answer(client, celery_worker_process):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert set(body["checks"]) == {"database", "cache", "broker", "worker"}
    assert body["checks"]["worker"]["detail"] == "pong"
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.fixture
def broker_url():
    """Swap the broker for the length of a test."""
    original = app.conf.broker_url

    def point_at(url: str) -> None:
        app.conf.broker_url = url

    yield point_at
    app.conf.broker_url = original


def test_unhealthy_when_the_broker_is_stopped(client, broker_url, unused_tcp_port):
    # Nothing listens on this port: the broker is down as far as the portal can tell.
    scheme = "redis" if settings.CELERY_BROKER_URL.startswith("redis") else "amqp"
    broker_url(f"{scheme}://127.0.0.1:{unused_tcp_port}//")
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "fail"
    assert "broker" in body["failing"]
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
