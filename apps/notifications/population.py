"""Synthetic residents in bulk, for the broadcast benchmark and the crash test.

Rows are written with bulk_create (no signals), so 180,000 people take seconds, not hours.
Every address points at local test servers (`.invalid` mail domain, fake LINE ids, push
endpoints on a given base URL): nothing here can reach a real person.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.gis.geos import Point
from django.db import transaction

from apps.accounts.models import Profile, User
from apps.geo.models import District
from apps.notifications.choices import DEFAULT_CATEGORIES
from apps.notifications.models import LineLink, PushSubscription, ResidentPreferences, TopicSubscription

# Share of residents per external channel; everyone also has the inbox.
DEFAULT_MIX = {"line": 0.50, "email": 0.25, "webpush": 0.15, "inbox": 0.10}


@dataclass(frozen=True)
class PushKeys:
    """One browser key pair shared by all synthetic subscriptions (the stub decrypts with it)."""

    p256dh: str
    auth: str


def create_residents(
    *, count: int, prefix: str, mix: dict[str, float] | None = None, push_base_url: str = "",
    push_keys: PushKeys | None = None, seed: int = 20261123, batch: int = 5000,
) -> dict[str, int]:
    """Create `count` residents spread over the existing districts; returns counts per channel."""
    mix = mix or DEFAULT_MIX
    rng = random.Random(seed)  # noqa: S311 -- reproducible synthetic data, not secrets
    districts = list(District.objects.all())
    if not districts:
        raise ValueError("No districts: run seed_demo first.")
    channels = list(mix)
    weights = [mix[c] for c in channels]
    counts = dict.fromkeys(channels, 0)
    for start in range(0, count, batch):
        size = min(batch, count - start)
        with transaction.atomic():
            users = User.objects.bulk_create([
                User(email=f"{prefix}-{start + i}@bench.invalid", password="!", is_active=True)  # noqa: S106
                for i in range(size)
            ])
            if users[0].pk is None:  # backends that do not return ids from bulk_create
                users = list(User.objects.filter(email__startswith=f"{prefix}-").order_by("id")[start:start + size])
            profiles, prefs, topics, emails, lines, pushes = [], [], [], [], [], []
            for user in users:
                district = rng.choice(districts)
                west, south, east, north = district.area.extent
                point = Point(rng.uniform(west, east), rng.uniform(south, north), srid=4326)
                profiles.append(Profile(user=user, district=district, home_location=point,
                                        preferred_language="en" if rng.random() < 0.1 else "ja"))
                channel = rng.choices(channels, weights)[0]
                counts[channel] += 1
                prefs.append(ResidentPreferences(user=user))
                topics.extend(TopicSubscription(user=user, category=c) for c in DEFAULT_CATEGORIES)
                if channel == "email":
                    emails.append(EmailAddress(user=user, email=user.email, verified=True, primary=True))
                elif channel == "line":
                    lines.append(LineLink(user=user, line_user_id=f"U{rng.getrandbits(128):032x}"))
                elif channel == "webpush" and push_keys is not None:
                    pushes.append(PushSubscription(user=user, endpoint=f"{push_base_url}/push/{prefix}-{user.id}",
                                                   p256dh=push_keys.p256dh, auth=push_keys.auth))
            for model, rows in ((Profile, profiles), (ResidentPreferences, prefs), (TopicSubscription, topics),
                                (EmailAddress, emails), (LineLink, lines), (PushSubscription, pushes)):
                model.objects.bulk_create(rows, batch_size=5000)
    return counts
