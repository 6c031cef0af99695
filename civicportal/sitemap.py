"""The pages a person can reach, by role: shown as the site map page and walked by tests."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

EVERYONE = "everyone"
SIGNED_IN = "signed_in"


@dataclass(frozen=True)
class Entry:
    url_name: str
    title: str
    audience: str = EVERYONE  # everyone, signed_in, or a role name


ENTRIES: list[Entry] = [
    Entry("home", _("Home")),
    Entry("geo:district_lookup", _("Find your district")),
    Entry("geo:district_list", _("Districts and school districts")),
    Entry("sitemap", _("Site map")),
    Entry("account_login", _("Sign in")),
    Entry("account_signup", _("Create an account")),
    Entry("accounts:profile", _("Your profile"), SIGNED_IN),
    Entry("dashboard", _("Staff dashboard"), "city_staff"),
    Entry("admin:index", _("Administration"), "city_staff"),
    Entry("swagger-ui", _("API documentation")),
    Entry("healthz", _("Service health")),
]


def register(entry: Entry) -> None:
    """Feature apps add their pages from AppConfig.ready()."""
    if entry not in ENTRIES:
        ENTRIES.append(entry)


def visible_entries(roles: frozenset[str], signed_in: bool) -> list[Entry]:
    staff = {"city_staff", "system_admin"}

    def visible(entry: Entry) -> bool:
        if entry.audience == EVERYONE:
            return True
        if entry.audience == SIGNED_IN:
            return signed_in
        # Staff pages open to every staff role (a system admin sees city staff pages).
        return entry.audience in roles or bool(entry.audience in staff and roles & staff)

    return [entry for entry in ENTRIES if visible(entry)]
