"""Numbers are written the locale's way exactly as Babel's ``format_decimal`` writes them."""

from __future__ import annotations

from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from infosoc.i18n.format import MISSING, format_number


@given(
    value=st.one_of(
        st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
        st.integers(min_value=-(10**12), max_value=10**12),
    ),
    lang=st.sampled_from(["en", "ru", "kk"]),
    digits=st.integers(min_value=0, max_value=4),
)
def test_a_number_is_written_as_babel_writes_it(value: float, lang: str, digits: int) -> None:
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    assert format_number(value, lang, digits) == str(
        format_decimal(value, format=pattern, locale=lang)
    )


def test_a_missing_number_is_the_missing_mark_never_zero() -> None:
    assert format_number(None, "ru", 2) == MISSING
    assert format_number(float("nan"), "kk", 1) == MISSING
    assert format_number(0.5, "ru", 1) == "0,5"
