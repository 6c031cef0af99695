"""The standard procedure catalogue and life events (demo content; staff edit it in the admin).

`load()` is idempotent: rows are found by their codes and updated, never duplicated.
"""

from __future__ import annotations

from django.db import transaction

from apps.accounts.models import Department
from apps.counter.choices_procedures import FieldKind as K
from apps.counter.choices_procedures import LifeEventCondition as C
from apps.counter.choices_procedures import ProfileSource as P
from apps.counter.models import LifeEvent, LifeEventProcedure, Procedure, ProcedureField, ProcedureStep

DEPARTMENTS = [
    ("citizen-affairs", "市民課", "Citizen Affairs Division"),
    ("insurance-pension", "保険年金課", "Health Insurance and Pension Division"),
    ("child-support", "子育て支援課", "Child Support Division"),
    ("education", "教育委員会 学校教育課", "Board of Education, School Education Division"),
    ("waste", "廃棄物対策課", "Waste Management Division"),
]

# A field: (key, label, label_en, kind, required, extra)
NAME = ("full_name", "氏名", "Full name", K.TEXT, True, {"max_length": 60, "profile_source": P.FULL_NAME})
POSTAL = ("postal_code", "郵便番号", "Postal code", K.POSTAL_CODE, True, {})
ADDRESS = ("address", "住所", "Address", K.TEXT, True, {"max_length": 120})
PHONE = ("phone", "電話番号", "Phone number", K.PHONE, True, {})
BIRTH = ("birth_date", "生年月日", "Date of birth", K.DATE, True, {})

PROCEDURES = [
    {
        "slug": "moving-in", "name": "転入届", "name_en": "Notification of moving in", "order": 10,
        "department": "citizen-affairs", "online": False, "fee_yen": 0,
        "description": "他の市区町村から引っ越してきたときは、14日以内に届け出てください。",
        "documents": "転出証明書\n本人確認書類（運転免許証など）\nマイナンバーカード（お持ちの方）",
        "fields": [NAME, BIRTH, POSTAL, ADDRESS, PHONE,
                   ("moved_on", "転入した日", "Date you moved in", K.DATE, True, {}),
                   ("household_size", "世帯の人数", "People in the household", K.NUMBER, True,
                    {"min_value": 1, "max_value": 20})],
        "steps": [(1, "citizen-affairs", "住民票の記載", "Resident register entry", 1)],
    },
    {
        "slug": "residence-certificate", "name": "住民票の写し", "name_en": "Copy of the resident record",
        "order": 20, "department": "citizen-affairs", "online": True, "fee_yen": 300,
        "description": "住民票の写しを請求できます。手数料は1通300円です。",
        "documents": "本人確認書類（窓口の場合）",
        "fields": [NAME, BIRTH, POSTAL, ADDRESS,
                   ("copies", "通数", "Number of copies", K.NUMBER, True, {"min_value": 1, "max_value": 10}),
                   ("purpose", "使いみち", "What it is for", K.CHOICE, True,
                    {"choices": ["就職", "年金", "自動車登録", "その他"]}),
                   ("include_household", "世帯全員を記載", "List the whole household", K.YES_NO, True, {})],
        "steps": [(1, "citizen-affairs", "写しの交付", "Issue the copy", 2)],
    },
    {
        "slug": "national-health-insurance", "name": "国民健康保険の加入",
        "name_en": "Joining national health insurance",
        "order": 30, "department": "insurance-pension", "online": True, "fee_yen": 0,
        "description": "職場の健康保険をやめたときや転入したときは、14日以内に加入の届出をしてください。",
        "documents": "本人確認書類\nマイナンバーがわかるもの\n健康保険の資格喪失証明書（会社を辞めた方）",
        "fields": [NAME, BIRTH, POSTAL, ADDRESS, PHONE,
                   ("reason", "加入の理由", "Why you join", K.CHOICE, True,
                    {"choices": ["転入", "退職", "出生", "その他"]}),
                   ("members", "加入する人数", "People joining", K.NUMBER, True, {"min_value": 1, "max_value": 20})],
        "steps": [(1, "citizen-affairs", "住民記録の確認", "Check the resident record", 1),
                  (2, "insurance-pension", "資格の登録と保険証の交付", "Register and issue the card", 3)],
    },
    {
        "slug": "child-allowance", "name": "児童手当", "name_en": "Child allowance",
        "order": 40, "department": "child-support", "online": True, "fee_yen": 0,
        "description": ("中学生（高校生年代）までの子どもを養育している方に支給します。"
                        "転入日の翌日から15日以内に申請してください。"),
        "documents": "請求者名義の預金通帳\n健康保険証の写し",
        "fields": [NAME, POSTAL, ADDRESS, PHONE,
                   ("children", "子どもの人数", "Number of children", K.NUMBER, True,
                    {"min_value": 1, "max_value": 15}),
                   ("bank_account", "振込先口座", "Bank account for payments", K.TEXT, True, {"max_length": 80})],
        "steps": [(1, "citizen-affairs", "世帯の確認", "Check the household", 1),
                  (2, "child-support", "認定と支給の決定", "Decide and start payments", 5)],
    },
    {
        "slug": "school-transfer", "name": "転校", "name_en": "School transfer",
        "order": 50, "department": "education", "online": True, "fee_yen": 0,
        "description": "市立小・中学校への転入学の手続きです。前の学校の在学証明書をお持ちください。",
        "documents": "在学証明書\n教科書給与証明書",
        "fields": [NAME, POSTAL, ADDRESS, PHONE,
                   ("child_name", "児童・生徒の氏名", "Child's name", K.TEXT, True, {"max_length": 60}),
                   ("grade", "学年", "School year", K.NUMBER, True, {"min_value": 1, "max_value": 9}),
                   ("start_on", "通学開始希望日", "First school day wanted", K.DATE, False, {})],
        "steps": [(1, "citizen-affairs", "住所の確認", "Check the address", 1),
                  (2, "education", "学校の指定", "Assign the school", 3)],
    },
    {
        "slug": "bulky-waste", "name": "粗大ごみ収集", "name_en": "Bulky waste collection",
        "order": 60, "department": "waste", "online": True, "fee_yen": 0,
        "description": "家具や家電などの粗大ごみの戸別収集を申し込めます。処理券を貼って収集日の朝に出してください。",
        "documents": "粗大ごみ処理券（コンビニ等で購入）",
        "fields": [NAME, POSTAL, ADDRESS, PHONE,
                   ("items", "出すもの", "Items", K.LONG_TEXT, True, {"max_length": 500}),
                   ("item_count", "点数", "Number of items", K.NUMBER, True, {"min_value": 1, "max_value": 10})],
        "steps": [(1, "waste", "収集日の決定", "Set the collection day", 3)],
    },
    {
        "slug": "birth-registration", "name": "出生届", "name_en": "Birth registration",
        "order": 70, "department": "citizen-affairs", "online": False, "fee_yen": 0,
        "description": "生まれた日を含めて14日以内に届け出てください。",
        "documents": "出生証明書（医師の記入したもの）\n母子健康手帳",
        "fields": [NAME, ("child_name", "子の氏名", "Child's name", K.TEXT, True, {"max_length": 60}),
                   ("child_birth_date", "子の生年月日", "Child's date of birth", K.DATE, True, {})],
        "steps": [(1, "citizen-affairs", "戸籍と住民票の記載", "Family and resident register entry", 1)],
    },
    {
        "slug": "marriage-registration", "name": "婚姻届", "name_en": "Marriage registration",
        "order": 80, "department": "citizen-affairs", "online": False, "fee_yen": 0,
        "description": "婚姻届は窓口で受け付けます（休日は夜間窓口）。",
        "documents": "婚姻届（証人2名の署名）\n本人確認書類",
        "fields": [NAME, ("partner_name", "相手の氏名", "Partner's name", K.TEXT, True, {"max_length": 60})],
        "steps": [(1, "citizen-affairs", "戸籍の記載", "Family register entry", 3)],
    },
    {
        "slug": "death-registration", "name": "死亡届", "name_en": "Death registration",
        "order": 90, "department": "citizen-affairs", "online": False, "fee_yen": 0,
        "description": "亡くなった事実を知った日から7日以内に届け出てください。",
        "documents": "死亡診断書\n届出人の印鑑",
        "fields": [NAME, ("deceased_name", "亡くなった方の氏名", "Name of the deceased", K.TEXT, True,
                          {"max_length": 60})],
        "steps": [(1, "citizen-affairs", "戸籍と住民票の記載", "Family and resident register entry", 1)],
    },
]

LIFE_EVENTS = [
    ("moving-in", "引っ越してきた", "Moving in", "他の市区町村から転入したときの手続き", [
        ("moving-in", C.ALWAYS), ("national-health-insurance", C.NATIONAL_HEALTH_INSURANCE),
        ("child-allowance", C.HAS_CHILDREN), ("school-transfer", C.SCHOOL_CHILDREN),
        ("bulky-waste", C.BULKY_WASTE)]),
    ("birth", "子どもが生まれた", "Birth", "出生のときの手続き", [
        ("birth-registration", C.ALWAYS), ("child-allowance", C.ALWAYS),
        ("national-health-insurance", C.NATIONAL_HEALTH_INSURANCE)]),
    ("marriage", "結婚した", "Marriage", "結婚のときの手続き", [
        ("marriage-registration", C.ALWAYS), ("residence-certificate", C.ALWAYS)]),
    ("school", "小・中学校に入る・移る", "Starting or changing school", "就学と転校の手続き", [
        ("school-transfer", C.ALWAYS)]),
    ("bereavement", "家族が亡くなった", "Bereavement", "おくやみの手続き", [
        ("death-registration", C.ALWAYS), ("bulky-waste", C.BULKY_WASTE)]),
]


@transaction.atomic
def load() -> dict[str, Procedure]:
    departments = {}
    for code, name, english in DEPARTMENTS:
        departments[code], _ = Department.objects.get_or_create(code=code, defaults={"name": name, "name_en": english})
    procedures: dict[str, Procedure] = {}
    for spec in PROCEDURES:
        procedure, _ = Procedure.objects.update_or_create(slug=spec["slug"], defaults={
            "name": spec["name"], "name_en": spec["name_en"], "order": spec["order"],
            "department": departments[spec["department"]], "online": spec["online"], "fee_yen": spec["fee_yen"],
            "description": spec["description"], "documents": spec["documents"]})
        for order, (key, label, label_en, kind, required, extra) in enumerate(spec["fields"]):
            ProcedureField.objects.update_or_create(procedure=procedure, key=key, defaults={
                "label": label, "label_en": label_en, "kind": kind, "required": required, "order": order,
                **{"max_length": None, "min_value": None, "max_value": None, "choices": [], "profile_source": "",
                   **extra}})
        for order, department, name, name_en, days in spec["steps"]:
            ProcedureStep.objects.update_or_create(procedure=procedure, order=order, defaults={
                "department": departments[department], "name": name, "name_en": name_en, "target_days": days})
        procedures[procedure.slug] = procedure
    for order, (slug, name, name_en, description, entries) in enumerate(LIFE_EVENTS):
        event, _ = LifeEvent.objects.update_or_create(slug=slug, defaults={
            "name": name, "name_en": name_en, "description": description, "order": order})
        for index, (procedure_slug, condition) in enumerate(entries):
            LifeEventProcedure.objects.update_or_create(event=event, procedure=procedures[procedure_slug], defaults={
                "order": index, "condition": condition})
    return procedures
