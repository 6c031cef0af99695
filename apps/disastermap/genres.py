"""The genres a new city starts with (staff can add more in the admin)."""

# (code, Japanese name, English name, map symbol)
DEFAULT_GENRES: list[tuple[str, str, str, str]] = [
    ("shelter", "避難所・避難場所", "Shelter / evacuation site", "避"),
    ("aed", "AED", "AED", "A"),
    ("hospital", "病院", "Hospital", "H"),
    ("on_duty_clinic", "休日当番医", "On-duty clinic", "当"),
    ("fire_hydrant", "消火栓", "Fire hydrant", "消"),
    ("public_toilet", "公衆トイレ", "Public toilet", "WC"),
    ("ev_charger", "EV充電スタンド", "EV charger", "EV"),
    ("library", "図書館", "Library", "図"),
    ("community_centre", "公民館・コミュニティセンター", "Community centre", "公"),
    ("school", "学校", "School", "文"),
    ("police", "警察署・交番", "Police", "警"),
    ("fire_station", "消防署", "Fire station", "Y"),
    ("city_office", "市役所・支所", "City office", "市"),
    ("water_supply", "給水拠点", "Water supply point", "水"),
    ("park", "公園", "Park", "園"),
]
