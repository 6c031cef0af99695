"""Event types every city needs from the first day; staff add more or change the rule in the admin."""

from __future__ import annotations

from apps.alerts.choices import CapCategory

# (code, Japanese, English, CAP category)
EVENT_TYPES = [
    ("evacuation", "避難情報", "Evacuation information", CapCategory.SAFETY),
    ("flood", "洪水", "Flood", CapCategory.MET),
    ("heavy-rain", "大雨", "Heavy rain", CapCategory.MET),
    ("landslide", "土砂災害", "Landslide", CapCategory.GEO),
    ("earthquake", "地震", "Earthquake", CapCategory.GEO),
    ("tsunami", "津波", "Tsunami", CapCategory.GEO),
    ("fire", "火災", "Fire", CapCategory.FIRE),
    ("civil-protection", "国民保護", "Civil protection", CapCategory.SECURITY),
    ("other", "その他", "Other", CapCategory.OTHER),
]


def ensure_event_types(**kwargs) -> None:
    """post_migrate: create the missing defaults (never changes what staff set)."""
    from apps.alerts.models import EventType

    for code, name, name_en, category in EVENT_TYPES:
        EventType.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en,
                                                             "cap_category": category})
