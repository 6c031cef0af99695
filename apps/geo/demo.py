"""Demo areas: 桜川市, a fictional city of ten districts and three school districts."""

from django.contrib.gis.geos import Polygon

from apps.geo.services import upsert_city, upsert_district, upsert_school_district

ORIGIN_LON, ORIGIN_LAT = 133.900, 34.640  # south-west corner of the fictional city
CELL_LON, CELL_LAT = 0.014, 0.012  # about 1.3 km by 1.3 km

# (code, name, kana, English) laid out west to east, two rows (south row first).
DISTRICTS = [
    ("01", "中央", "ちゅうおう", "Chuo"),
    ("02", "旭町", "あさひまち", "Asahimachi"),
    ("03", "桜ヶ丘", "さくらがおか", "Sakuragaoka"),
    ("04", "緑町", "みどりまち", "Midorimachi"),
    ("05", "港町", "みなとまち", "Minatomachi"),
    ("06", "東山", "ひがしやま", "Higashiyama"),
    ("07", "西川", "にしかわ", "Nishikawa"),
    ("08", "南浜", "みなみはま", "Minamihama"),
    ("09", "北野", "きたの", "Kitano"),
    ("10", "青葉台", "あおばだい", "Aobadai"),
]
# (code, name, school, English, first column, last column)
SCHOOL_DISTRICTS = [
    ("E1", "中央小学校区", "桜川市立中央小学校", "Chuo Elementary School District", 0, 1),
    ("E2", "桜ヶ丘小学校区", "桜川市立桜ヶ丘小学校", "Sakuragaoka Elementary School District", 2, 3),
    ("E3", "港小学校区", "桜川市立港小学校", "Minato Elementary School District", 4, 4),
]
COLUMNS, ROWS = 5, 2


def box(col_from: int, col_to: int, row_from: int, row_to: int) -> Polygon:
    west = ORIGIN_LON + col_from * CELL_LON
    east = ORIGIN_LON + (col_to + 1) * CELL_LON
    south = ORIGIN_LAT + row_from * CELL_LAT
    north = ORIGIN_LAT + (row_to + 1) * CELL_LAT
    return Polygon(((west, south), (east, south), (east, north), (west, north), (west, south)), srid=4326)


def seed(demo) -> None:
    demo.city = upsert_city(code="999990", name="桜川市", name_en="Sakuragawa City",
                            boundary=box(0, COLUMNS - 1, 0, ROWS - 1))
    for index, (code, name, kana, english) in enumerate(DISTRICTS):
        col, row = index % COLUMNS, index // COLUMNS
        demo.districts[code] = upsert_district(
            city=demo.city, code=code, name=name, name_kana=kana, name_en=english, area=box(col, col, row, row)
        )
    for code, name, school, english, first, last in SCHOOL_DISTRICTS:
        demo.school_districts[code] = upsert_school_district(
            city=demo.city, code=code, name=name, school_name=school, name_en=english,
            area=box(first, last, 0, ROWS - 1),
        )


