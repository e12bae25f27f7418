"""Unified social credit code (统一社会信用代码), GB 32100-2015.

Layout: registration authority (1) + entity type (1) + division code (6) +
organisation code (9, GB 11714, its own check character last) + check character (1).
"""

from __future__ import annotations

from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
LENGTH = 18


@dataclass(frozen=True, slots=True)
class CreditCodeCheck:
    ok: bool
    message: str = ""

    def __bool__(self) -> bool:
        return self.ok


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (which must be in the alphabet)."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_check_character(first8: str) -> str:
    """GB 11714 check character of an organisation code's first eight characters."""
    total = sum(_org_value(ch) * w for ch, w in zip(first8, _ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def _org_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def normalize(code: str) -> str:
    """What a user typed, as it is compared and stored: trimmed, upper case, half-width."""
    table = {0xFF10 + i: ord("0") + i for i in range(10)}
    table.update({0xFF21 + i: ord("A") + i for i in range(26)})
    table.update({0xFF41 + i: ord("A") + i for i in range(26)})
    return code.translate(table).strip().upper()


def validate(code: str) -> CreditCodeCheck:
    """Check a code and say, in Chinese, exactly what is wrong with it."""
    code = normalize(code)
    if len(code) != LENGTH:
        return CreditCodeCheck(False, f"统一社会信用代码应为18位，当前为{len(code)}位")
    for pos, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            return CreditCodeCheck(
                False, f"第{pos}位字符“{ch}”不允许出现在统一社会信用代码中（不使用I、O、S、V、Z）"
            )
    for pos in range(3, 9):
        if not code[pos - 1].isdigit():
            return CreditCodeCheck(
                False, f"第3至8位应为行政区划代码（数字），第{pos}位是“{code[pos - 1]}”"
            )
    expected_org = org_check_character(code[8:16])
    if code[16] != expected_org:
        return CreditCodeCheck(
            False, f"第17位（组织机构代码校验码）应为“{expected_org}”，当前为“{code[16]}”"
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        return CreditCodeCheck(False, f"第18位校验码应为“{expected}”，当前为“{code[17]}”")
    return CreditCodeCheck(True)


def is_valid(code: str) -> bool:
    return validate(code).ok


def complete(first16: str) -> str:
    """Append both check characters to 16 characters (authority, type, division, org body)."""
    first17 = first16 + org_check_character(first16[8:16])
    return first17 + check_character(first17)
