"""A welcome message in every demo resident's inbox (sent by the worker once it runs)."""

from apps.accounts.roles import Role
from apps.notifications import services
from apps.notifications.models import Message

TITLE = "桜川市ポータルへようこそ"


def seed(demo) -> None:
    clerk = demo.users.get(Role.CITY_STAFF.value)
    if clerk is None or Message.objects.filter(title=TITLE, created_by=clerk).exists():
        return
    services.publish(
        sender=clerk,
        title=TITLE,
        body="このポータルでは、市・町内会・学校からのお知らせを受け取れます。"
             "「通知設定」で受け取る分類と方法（メール・LINE・ブラウザ通知）を選んでください。",
        variants={"en": {
            "title": "Welcome to the Sakuragawa city portal",
            "body": "News from the city, your neighbourhood association and your school arrives here. "
                    "Choose topics and channels (email, LINE, browser) under Notification settings.",
        }},
        category="administration",
        audience={"segments": [{"kind": "district", "ids": [d.id for d in demo.districts.values()]}]},
    )
    demo.notes.append("A welcome message was queued for every demo resident; the worker delivers it.")
