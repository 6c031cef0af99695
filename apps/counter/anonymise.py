"""A first pass at anonymising free text before the public sees it: e-mail addresses and phone
numbers become ＊＊＊. Staff still read and edit texts before publishing them."""

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"(\+?\d[\d\-‐ー−() ]{8,}\d)")


def mask_contacts(text: str) -> str:
    return _PHONE.sub("＊＊＊", _EMAIL.sub("＊＊＊", text))
