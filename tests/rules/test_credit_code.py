from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jjg_desktop.rules.credit_code import ALPHABET, complete, is_valid, normalize, validate

BODY = st.text(alphabet=ALPHABET, min_size=8, max_size=8)
DIVISION = st.text(alphabet="0123456789", min_size=6, max_size=6)
HEAD = st.sampled_from(["11", "12", "13", "19", "51", "52", "53", "59", "91", "92", "93", "Y1"])


@st.composite
def valid_codes(draw) -> str:
    return complete(draw(HEAD) + draw(DIVISION) + draw(BODY))


def test_examples_from_the_domain():
    assert is_valid("91350100M000100Y43")
    assert validate("91350100M000100Y44").message == "第18位校验码应为“3”，当前为“4”"


def test_messages_say_what_is_wrong():
    assert "18位" in validate("9135010").message and "7位" in validate("9135010").message
    msg = validate("91350100M0001O0Y43").message
    assert "第14位" in msg and "“O”" in msg
    assert "第3至8位" in validate("91A50100M000100Y43").message


def test_full_width_and_lower_case_input_is_accepted():
    assert normalize(" ９１350100m000100y43 ") == "91350100M000100Y43"
    assert is_valid("９１350100m000100y43")


@given(valid_codes())
def test_every_generated_code_is_valid(code):
    assert validate(code).ok


@settings(max_examples=200)
@given(valid_codes(), st.integers(min_value=0, max_value=17), st.sampled_from(ALPHABET))
def test_every_single_character_change_is_caught(code, pos, ch):
    if code[pos] == ch:
        return
    changed = code[:pos] + ch + code[pos + 1:]
    assert not is_valid(changed)
