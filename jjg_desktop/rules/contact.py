"""What an address, a person's name and a phone number may hold."""

from __future__ import annotations

import re

_PHONE_CHARS = re.compile(r"^[0-9\-\s+()（）、,，/转]*$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")

LIMITS = {"address": 200, "contact_person": 64, "contact_phone": 32}
LABELS = {"address": "办公地址", "contact_person": "联系人", "contact_phone": "联系电话"}


def contact_problem(field: str, value: str) -> str | None:
    """None when `value` may be saved in `field`; otherwise what is wrong, in Chinese."""
    label = LABELS[field]
    if len(value) > LIMITS[field]:
        return f"{label}不能超过{LIMITS[field]}个字，当前{len(value)}个字"
    if field == "contact_phone" and not _PHONE_CHARS.match(value):
        return f"{label}只能包含数字、“-”、括号和分隔符"
    return None


def phone_hint(value: str) -> str | None:
    """A gentle note when a saved number does not look like a complete phone number."""
    numbers = [n for n in re.split(r"[、,，/\s]+", value.strip()) if n]
    for n in numbers:
        digits = re.sub(r"[\s()（）]", "", n).replace("+86", "")
        if not (_MOBILE.match(digits) or _LANDLINE.match(digits)):
            return f"“{n}”不像完整的手机号（11位）或座机号（区号-号码）"
    return None
