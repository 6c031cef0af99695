"""Routes of the notifications API, mounted at /api/v1/notifications/ (civicportal/urls.py)."""

from django.urls import path

from apps.notifications.api import inbox, senders

urlpatterns = [
    # Residents
    path("inbox/", inbox.InboxView.as_view(), name="notifications-inbox"),
    path("inbox/read-all/", inbox.InboxReadAllView.as_view(), name="notifications-inbox-read-all"),
    path("inbox/<int:message_id>/", inbox.InboxDetailView.as_view(), name="notifications-inbox-detail"),
    path("unread-count/", inbox.UnreadCountView.as_view(), name="notifications-unread-count"),
    path("preferences/", inbox.PreferencesView.as_view(), name="notifications-preferences"),
    # Senders
    path("messages/", senders.MessagesView.as_view(), name="notifications-messages"),
    path("messages/preview/", senders.PreviewView.as_view(), name="notifications-messages-preview"),
    path("messages/<int:message_id>/", senders.MessageDetailView.as_view(), name="notifications-message-detail"),
    path("messages/<int:message_id>/approve/", senders.ApproveView.as_view(), name="notifications-message-approve"),
    path("messages/<int:message_id>/cancel/", senders.CancelView.as_view(), name="notifications-message-cancel"),
    path("segment-kinds/", senders.SegmentKindsView.as_view(), name="notifications-segment-kinds"),
]
