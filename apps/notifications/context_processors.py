"""The unread count in the header of every page."""

from django.http import HttpRequest

from apps.notifications import selectors


def notifications(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        # No query for visitors who are not signed in.
        return {"unread_notifications": 0}
    return {"unread_notifications": selectors.unread_count(user)}
