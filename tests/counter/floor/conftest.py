"""Fixtures of the counter floor, inquiries and resident reports (counter-B's half of tests/counter)."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Permission
from PIL import Image

from apps.accounts.models import Department
from apps.accounts.roles import Role
from apps.accounts.services import grant_role
from apps.counter.models import CounterWindow, FloorQueue, ReportService, ReportServiceAttribute
from apps.counter.open311.keys import new_key
from apps.notifications import fanout
from apps.notifications.models import Message


@pytest.fixture
def other_department(db) -> Department:
    return Department.objects.get_or_create(code="road-maintenance", defaults={"name": "道路維持課"})[0]


@pytest.fixture
def clerk(make_user):
    return make_user(Role.CITY_STAFF)


@pytest.fixture
def approver(make_user):
    user = make_user(Role.CITY_STAFF)
    user.user_permissions.add(Permission.objects.get(codename="approve_inquiry_answer"))
    return user


@pytest.fixture
def road_clerk(make_user, other_department):
    user = make_user(Role.RESIDENT)
    grant_role(user=user, role=Role.CITY_STAFF, department=other_department)
    return user


@pytest.fixture
def queue(department) -> FloorQueue:
    queue = FloorQueue.objects.create(department=department, code="moves", prefix="A", name="住民異動",
                                      name_en="Moves")
    CounterWindow.objects.create(queue=queue, label="1番窓口")
    CounterWindow.objects.create(queue=queue, label="2番窓口")
    return queue


@pytest.fixture
def road_service(other_department) -> ReportService:
    service = ReportService.objects.create(code="road-damage", name="道路の損傷", name_en="Damaged road", group="道路",
                                           department=other_department, keywords="穴,pothole",
                                           service_notice="3開庁日以内に確認します。")
    ReportServiceAttribute.objects.create(service=service, code="size", datatype="singlevaluelist", required=True,
                                          description="損傷の大きさ", order=1,
                                          values=[{"key": "small", "name": "30cm未満"},
                                                  {"key": "large", "name": "30cm以上"}])
    ReportServiceAttribute.objects.create(service=service, code="danger", datatype="multivaluelist", order=2,
                                          description="危険な点", values=[{"key": "car", "name": "車"},
                                                                      {"key": "walk", "name": "歩行者"}])
    ReportServiceAttribute.objects.create(service=service, code="depth", datatype="number", order=3,
                                          description="深さ（cm）")
    return service


@pytest.fixture
def light_service(other_department) -> ReportService:
    return ReportService.objects.create(code="street-light", name="街灯の故障", name_en="Street light out",
                                        group="道路", department=other_department)


@pytest.fixture
def api_key(db) -> str:
    return new_key(name="test client")[1]


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def jpeg_with_gps() -> bytes:
    """A small JPEG carrying EXIF with a GPS position, as phones write them."""
    picture = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (34.0, 39.0, 7.0), "E", (133.0, 56.0, 6.0)
    out = io.BytesIO()
    picture.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def run_broadcast(django_capture_on_commit_callbacks):
    """Fan out and deliver in this process, as the worker would (see tests/notifications/conftest.py)."""

    def run(message: Message) -> None:
        chunks: list = []
        with django_capture_on_commit_callbacks(execute=True):
            fanout.fan_out(message.id, queue_chunk=lambda m, c, ids: chunks.append((c, ids)))
        for channel, ids in chunks:
            fanout.deliver(message.id, channel, ids)

    return run
