"""Attachments: the type is read from the file's bytes, the size is limited, and only the applicant
and clerks on the route can download them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from apps.counter.models import Attachment
from apps.counter.services.applications import MAX_ATTACHMENT_BYTES, submit_application
from tests.counter.conftest import answers_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def application(catalogue, resident, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    procedure = catalogue["national-health-insurance"]
    return submit_application(procedure=procedure, applicant=resident, answers=answers_for(procedure))


def upload(api, application, name, data, content_type="application/pdf"):
    return api.post(reverse("api:counter-application-documents", args=(application.pk,)),
                    {"file": SimpleUploadedFile(name, data, content_type=content_type)}, format="multipart")


@pytest.fixture
def api(resident):
    client = APIClient()
    client.force_authenticate(resident)
    return client


def test_a_pdf_and_a_png_are_accepted_by_their_bytes(api, application):
    assert upload(api, application, "離職票.pdf", PDF).status_code == 201
    response = upload(api, application, "photo.bin", PNG, "application/octet-stream")
    assert response.status_code == 201 and response.json()["content_type"] == "image/png"
    stored = Attachment.objects.get(content_type="image/png")
    assert stored.file.name.endswith(".png") and "photo" not in stored.file.name


def test_a_program_named_pdf_is_refused(english, api, application):
    response = upload(api, application, "invoice.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    assert response.status_code == 400
    assert "Only PDF, PNG and JPEG" in response.json()["errors"]["file"][0]
    assert not Attachment.objects.exists()


def test_too_large_and_empty_files_are_refused(english, api, application):
    big = upload(api, application, "big.pdf", PDF + b"0" * MAX_ATTACHMENT_BYTES)
    assert big.status_code == 400 and "larger than 10 MB" in big.json()["errors"]["file"][0]
    empty = upload(api, application, "empty.pdf", b"")
    assert empty.status_code == 400 and "file" in empty.json()["errors"]


def test_at_most_five_documents(english, api, application):
    for n in range(5):
        assert upload(api, application, f"{n}.pdf", PDF).status_code == 201
    assert "At most 5" in upload(api, application, "6.pdf", PDF).json()["errors"]["file"][0]


def test_downloads_for_the_applicant_and_the_route_only(client, api, application, other_resident, clerk_of):
    upload(api, application, "a.pdf", PDF)
    attachment = Attachment.objects.get()
    url = reverse("counter:attachment_file", args=(attachment.pk,))
    client.force_login(application.applicant)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.force_login(other_resident)
    assert client.get(url).status_code == 404
    client.force_login(clerk_of("waste"))
    assert client.get(url).status_code == 404
    client.force_login(clerk_of("insurance-pension"))
    assert client.get(url).status_code == 200


def test_the_page_form_attaches_and_reports_errors(client, english, application):
    client.force_login(application.applicant)
    url = reverse("counter:application_attach", args=(application.pk,))
    bad = client.post(url, {"file": SimpleUploadedFile("x.txt", b"hello")}, follow=True)
    assert "Only PDF, PNG and JPEG" in bad.content.decode()
    good = client.post(url, {"file": SimpleUploadedFile("x.pdf", PDF)}, follow=True)
    assert "The document was added." in good.content.decode() and "x.pdf" in good.content.decode()
