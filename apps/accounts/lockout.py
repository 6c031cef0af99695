"""Tells django-axes whose login failed, whichever form it came through."""

from django.http import HttpRequest


def username_from_attempt(request: HttpRequest, credentials: dict | None) -> str | None:
    """allauth passes `email`, the admin `username`; the form field itself is `login`."""
    credentials = credentials or {}
    for key in ("email", "username", "login"):
        if credentials.get(key):
            return str(credentials[key]).strip().lower()
    data = getattr(request, "data", None) or request.POST
    for key in ("login", "email", "username"):
        if data.get(key):
            return str(data[key]).strip().lower()
    return None
