"""What `seed_demo` hands from one app's demo.py to the next."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class DemoCity:
    """Filled in floor order: geo adds the city and areas, accounts the people, and so on."""

    debug: bool
    password: str | None
    city: Any = None
    districts: dict[str, Any] = field(default_factory=dict)
    school_districts: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role label, email, password)
    notes: list[str] = field(default_factory=list)
