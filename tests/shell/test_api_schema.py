"""The OpenAPI schema validates and carries no generator warnings (clients generate from it)."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    assert "/api/v1/map/facilities/nearby/" in text
    assert "/api/v1/notifications/messages/" in text
