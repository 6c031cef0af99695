from django.urls import path

from apps.notifications import tracking
from apps.notifications.views import inbox, line, push, sender

app_name = "notifications"

urlpatterns = [
    # Residents (views/inbox.py)
    path("", inbox.inbox_list, name="inbox"),
    path("<int:message_id>/", inbox.inbox_detail, name="detail"),
    path("read-all/", inbox.mark_all_read, name="mark_all_read"),
    path("settings/", inbox.settings_page, name="settings"),
    # Senders (views/sender.py)
    path("send/", sender.compose, name="compose"),
    path("sent/", sender.sent_list, name="sent_list"),
    path("sent/<int:message_id>/", sender.sent_detail, name="sent_detail"),
    path("sent/<int:message_id>/approve/", sender.approve, name="approve"),
    path("sent/<int:message_id>/cancel/", sender.cancel, name="cancel"),
    # LINE (views/line.py) and Web Push (views/push.py)
    path("line/webhook/", line.webhook, name="line_webhook"),
    path("line/link/", line.link_page, name="line_link"),
    path("push/key/", push.public_key, name="push_key"),
    path("push/subscribe/", push.subscribe, name="push_subscribe"),
    path("push/unsubscribe/", push.unsubscribe, name="push_unsubscribe"),
    path("sw.js", push.service_worker, name="service_worker"),
    # Receipts from outside (tracking.py)
    path("t/c/<str:token>/", tracking.track_click, name="track_click"),
    path("t/o/<str:token>.gif", tracking.track_open, name="track_open"),
]
