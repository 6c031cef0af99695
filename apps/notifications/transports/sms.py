"""SMS through a provider-neutral HTTP API: one JSON POST per recipient, bearer key, idempotency key.

The request (what a small adapter in front of any Japanese SMS gateway has to accept):

    POST SMS_API_URL
    Authorization: Bearer SMS_API_KEY
    Idempotency-Key: <claim>-<delivery id>   (a resend after a crash carries the same key)
    {"to": "+819012345678", "from": SMS_SENDER_ID, "text": "...", "reference": "<delivery id>"}

200/201/202 with {"id": ...} means accepted. Only Japanese mobile numbers are used: landlines
cannot receive SMS and the gateways the city contracts deliver domestically.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

import requests
from django.conf import settings
from django.urls import reverse

from apps.notifications.choices import Channel
from apps.notifications.models import ResidentPreferences
from apps.notifications.transports.base import Outgoing, Result, Transport, TransportError

TIMEOUT_SECONDS = 10
# Ten concatenated UCS-2 parts of 67 characters: the longest Japanese SMS carriers deliver.
TEXT_LIMIT = 670
ELLIPSIS = "…"
# 070/080/090 mobile numbers, and 060 which is reserved for mobiles once those run out.
DOMESTIC_MOBILE = re.compile(r"^0([6789]0\d{8})$")
INTERNATIONAL_MOBILE = re.compile(r"^\+810?([6789]0\d{8})$")
CONFIGURATION_ERRORS = frozenset({401, 403, 404, 405})
SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−ー().]")


def to_e164(number: str) -> str | None:
    """+81… for a Japanese mobile number as residents write it (090-1234-5678); else None."""
    text = SEPARATORS.sub("", unicodedata.normalize("NFKC", number or ""))
    if text.startswith("0081"):
        text = "+81" + text[4:]
    for pattern in (DOMESTIC_MOBILE, INTERNATIONAL_MOBILE):
        match = pattern.match(text)
        if match:
            return f"+81{match.group(1)}"
    return None


def _units(text: str) -> int:
    """Length as a phone counts it: UTF-16 code units (an emoji takes two)."""
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, units: int) -> str:
    used = 0
    for index, char in enumerate(text):
        used += _units(char)
        if used > units:
            return text[:index]
    return text


def sms_text(title: str, body: str, link: str = "", *, read_more: str = "") -> str:
    """【title】body and the link, cut to one concatenated SMS with the link kept whole.

    `read_more` is a link used only when the text had to be cut and there is no link of its own,
    so that the resident can still read everything.
    """
    head = f"【{title}】{body}".strip()
    if _units(head + (f"\n{link}" if link else "")) <= TEXT_LIMIT:
        return head + (f"\n{link}" if link else "")
    tail = f"\n{link or read_more}" if (link or read_more) else ""
    room = max(TEXT_LIMIT - _units(tail) - _units(ELLIPSIS), 0)
    return _cut(head, room).rstrip() + ELLIPSIS + tail


def _provider_message(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(data, dict):
        for key in ("message", "error", "detail", "title"):
            value = data.get(key)
            if isinstance(value, dict):
                value = value.get("message")
            if isinstance(value, str) and value:
                return value[:200]
    return str(data)[:200]


class SmsTransport(Transport):
    """One request per recipient over one HTTP session; each row is marked as soon as it is known."""

    channel = Channel.SMS
    batch_size = 200

    def is_configured(self) -> bool:
        return bool(settings.SMS_API_URL and settings.SMS_API_KEY)

    def addresses(self, user_ids: list[int]) -> dict[int, Any]:
        numbers = (ResidentPreferences.objects.filter(user_id__in=user_ids).exclude(phone_number="")
                   .values_list("user_id", "phone_number"))
        converted = {user_id: to_e164(number) for user_id, number in numbers}
        return {user_id: number for user_id, number in converted.items() if number}

    def send(self, message, outgoing: list[Outgoing]) -> Iterator[list[Result]]:
        read_more = f"{settings.SITE_URL}{reverse('notifications:detail', args=[message.id])}"
        with requests.Session() as session:
            session.headers["Authorization"] = f"Bearer {settings.SMS_API_KEY}"
            for item in outgoing:
                yield [self._send_one(session, item, read_more)]

    def _send_one(self, session: requests.Session, item: Outgoing, read_more: str) -> Result:
        body = {
            "to": item.address,
            "from": settings.SMS_SENDER_ID,
            "text": sms_text(item.title, item.body, item.link, read_more=read_more),
            "reference": str(item.delivery_id),
        }
        try:
            response = session.post(
                settings.SMS_API_URL, json=body, timeout=TIMEOUT_SECONDS, allow_redirects=False,
                headers={"Idempotency-Key": f"{item.idempotency_key}-{item.delivery_id}"},
            )
        except requests.Timeout as exc:
            raise TransportError("SMS API timed out", permanent=False) from exc
        except requests.RequestException as exc:
            raise TransportError(f"SMS API unreachable: {type(exc).__name__}", permanent=False) from exc
        status = response.status_code
        if status in (200, 201, 202):
            try:
                data = response.json()
            except ValueError:
                data = {}
            provider_id = str(data.get("id", "")) if isinstance(data, dict) else ""
            return Result(item.delivery_id, ok=True, provider_id=provider_id)
        if status == 429 or status >= 500:
            raise TransportError(f"SMS API busy ({status})", permanent=False)
        if status in CONFIGURATION_ERRORS or status < 400:
            # A bad key, a wrong URL or a redirect: the configuration is wrong, not this row.
            raise TransportError(f"SMS API refused the request ({status}): {_provider_message(response)}",
                                 permanent=True)
        # 400/422 and the like: the provider will not take this message (bad number, bad text).
        return Result(item.delivery_id, ok=False, permanent=True,
                      error=f"SMS refused ({status}): {_provider_message(response)}"[:300])
