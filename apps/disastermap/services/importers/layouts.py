"""The national recommended-dataset layouts (自治体標準オープンデータセット) we read and write.

Column names follow the デジタル庁 data item definitions (データ項目定義書) for 03
指定緊急避難場所一覧, 08 AED設置箇所一覧 and 01 公共施設一覧; the 指定避難所一覧 layout
follows the same pattern with the columns of the national designated-shelter data
(受入対象者, 指定緊急避難場所との住所同一). Older files (推奨データセット v1 with 住所,
GSI's 施設・場所名/共通ID and bare hazard names) are read through aliases.

Facility fields with no column of their own are kept in the description as
“column: value” lines (see `notes`), so an export writes them back where they came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from apps.disastermap.choices import HAZARD_CSV_COLUMNS

COMMON_HEAD = ["全国地方公共団体コード", "ID", "地方公共団体名", "名称", "名称_カナ", "名称_英字"]
ADDRESS = [
    "所在地_全国地方公共団体コード", "町字ID", "所在地_連結表記", "所在地_都道府県", "所在地_市区町村",
    "所在地_町字", "所在地_番地以下", "建物名等(方書)", "緯度", "経度",
]
HOURS = ["利用可能曜日", "開始時間", "終了時間", "利用可能日時特記事項"]
HAZARD_COLUMNS = list(HAZARD_CSV_COLUMNS.values())

COMMON_ALIASES = {
    "住所": "所在地_連結表記",
    "名称_英語": "名称_英字",
    "方書": "建物名等(方書)",
    "施設・場所名": "名称",
    "共通ID": "ID",
    "連絡先電話番号": "電話番号",
}
# GSI's national files name the hazards without the 災害種別_ prefix.
HAZARD_ALIASES = {column.removeprefix("災害種別_"): column for column in HAZARD_COLUMNS} | {
    "大規模火事": HAZARD_CSV_COLUMNS["large_fire"],
}


@dataclass(frozen=True)
class Layout:
    key: str
    title: str
    columns: list[str]
    required: tuple[str, ...] = ("ID", "名称", "緯度", "経度")
    aliases: dict[str, str] = field(default_factory=dict)
    body_column: str = "備考"
    note_columns: tuple[str, ...] = ()

    def canonical(self, name: str) -> str:
        return self.aliases.get(name, COMMON_ALIASES.get(name, name))


EMERGENCY_SITES = Layout(
    key="emergency_sites",
    title="指定緊急避難場所一覧",
    columns=[
        *COMMON_HEAD, *ADDRESS, "高さ(海抜)", "電話番号", "内線番号", "連絡先メールアドレス", "郵便番号",
        *HAZARD_COLUMNS, "指定避難所との住所同一", "想定収容人数", "対象となる町会・自治会", "URL", "備考",
    ],
    aliases={**HAZARD_ALIASES, "指定避難所との重複": "指定避難所との住所同一"},
    note_columns=("建物名等(方書)", "内線番号", "対象となる町会・自治会"),
)

DESIGNATED_SHELTERS = Layout(
    key="designated_shelters",
    title="指定避難所一覧",
    columns=[
        *COMMON_HEAD, *ADDRESS, "高さ(海抜)", "電話番号", "内線番号", "連絡先メールアドレス", "郵便番号",
        *HAZARD_COLUMNS, "指定緊急避難場所との住所同一", "想定収容人数", "受入対象者", "対象となる町会・自治会",
        "URL", "備考",
    ],
    aliases={**HAZARD_ALIASES, "指定緊急避難場所との重複": "指定緊急避難場所との住所同一"},
    note_columns=("建物名等(方書)", "内線番号", "受入対象者", "対象となる町会・自治会"),
)

AED = Layout(
    key="aed",
    title="AED設置箇所一覧",
    columns=[
        *COMMON_HEAD, *ADDRESS, "設置位置", "電話番号", "内線番号", "法人番号", "団体名", *HOURS,
        "小児対応設備の有無", "URL", "備考",
    ],
    aliases={"小児対応機器設備の有無": "小児対応設備の有無"},
    note_columns=("建物名等(方書)", "設置位置", "内線番号", "団体名", "小児対応設備の有無"),
)

PUBLIC_FACILITIES = Layout(
    key="public_facilities",
    title="公共施設一覧",
    columns=[
        *COMMON_HEAD, "名称_通称", "名称_通称_カナ", "名称_通称_英字", "POIコード", *ADDRESS, "電話番号",
        "内線番号", "法人番号", "団体名", *HOURS, "説明", "バリアフリー情報", "URL", "備考",
    ],
    aliases={"種別": "POIコード", "分類": "POIコード"},
    body_column="説明",
    note_columns=("名称_通称", "建物名等(方書)", "内線番号", "団体名", "バリアフリー情報", "備考"),
)

LAYOUTS = {layout.key: layout for layout in (EMERGENCY_SITES, DESIGNATED_SHELTERS, AED, PUBLIC_FACILITIES)}


# --- notes in the description ------------------------------------------------------------

def compose_notes(body: str, notes: dict[str, str]) -> str:
    lines = [body.strip()] if body.strip() else []
    lines += [f"{label}: {value}" for label, value in notes.items() if value]
    return "\n".join(lines)


def parse_notes(description: str, labels: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    body: list[str] = []
    notes: dict[str, str] = {}
    for line in description.splitlines():
        for label in labels:
            if line.startswith(f"{label}: "):
                notes[label] = line[len(label) + 2:]
                break
        else:
            body.append(line)
    return "\n".join(body).strip(), notes


# --- opening hours in one text ------------------------------------------------------------

_TIME_RANGE = re.compile(r"(?:^|\s)(?P<start>\d{1,2}:\d{2})?-(?P<end>\d{1,2}:\d{2})?(?=\s|$)")
_NOTE = re.compile(r"(?:^|\s)\((?P<note>[^()]*)\)$")


def compose_hours(days: str, start: str, end: str, note: str) -> str:
    parts = [days.strip()]
    if start or end:
        parts.append(f"{start.strip()}-{end.strip()}")
    if note.strip():
        parts.append(f"({note.strip()})")
    return " ".join(part for part in parts if part)


def parse_hours(hours: str) -> tuple[str, str, str, str]:
    """(days, start, end, note): the inverse of `compose_hours` for text it wrote.

    Text it cannot split (typed by hand) goes whole into 利用可能曜日, so reading it back
    gives the same text again.
    """
    rest, note = hours.strip(), ""
    match = _NOTE.search(rest)
    if match:
        note, rest = match["note"], rest[:match.start()].strip()
    start = end = ""
    match = _TIME_RANGE.search(rest)
    if match and (match["start"] or match["end"]) and rest[match.end():].strip() == "":
        start, end, rest = match["start"] or "", match["end"] or "", rest[:match.start()].strip()
    if compose_hours(rest, start, end, note) != hours.strip():
        return hours.strip(), "", "", ""
    return rest, start, end, note


# --- accessibility (バリアフリー情報) ---------------------------------------------------------

ACCESSIBILITY_TERMS: dict[str, tuple[str, ...]] = {
    # The first term of each is the one an export writes when the source text is gone.
    "wheelchair_accessible": ("車椅子対応入口", "車いす対応入口", "スロープ", "段差なし", "段差解消"),
    "wheelchair_toilet": ("多目的トイレ", "多機能トイレ", "車椅子対応トイレ", "車いす対応トイレ", "車椅子トイレ",
                          "車いすトイレ", "バリアフリートイレ", "だれでもトイレ", "誰でもトイレ"),
    "ostomate_toilet": ("オストメイト",),
    "nursing_room": ("授乳室", "授乳スペース"),
    "accessible_parking": ("障害者用駐車", "身障者用駐車", "車椅子用駐車", "車いす用駐車", "思いやり駐車", "優先駐車"),
    "elevator": ("エレベーター", "エレベータ"),
}


def accessibility_from_text(text: str) -> dict[str, bool]:
    found = {name: False for name in ACCESSIBILITY_TERMS}
    for name, terms in ACCESSIBILITY_TERMS.items():
        for term in terms:
            for match in re.finditer(re.escape(term), text):
                # “エレベーターなし” says there is none; a longer term's tail (ー, 室) is skipped.
                following = text[match.end():].lstrip("ー室")
                if not following.startswith(("なし", "無し", "無")):
                    found[name] = True
    return found


def accessibility_text(flags: dict[str, bool]) -> str:
    return "、".join(ACCESSIBILITY_TERMS[name][0] for name, on in flags.items() if on)
