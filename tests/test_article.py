"""The article's claims dataset: validated when loaded, and complete for part 1."""

from __future__ import annotations

import pytest

from infosoc import InputError
from infosoc.analysis.article import load_claims

CLAIM = """
article = "test"
[[claims]]
id = "a"
section = "s"
text = "t"
text_en = "t"
claimed = 1
unit = "rank"
compute = {{ {compute} }}
"""


def test_shipped_claims_cover_tables_1_2_and_the_growth_paragraph() -> None:
    claims = {c.id for c in load_claims().claims}
    for year in (2008, 2010, 2012, 2014, 2016, 2018, 2020):
        assert f"table1-rank-{year}" in claims
    for part in ("rank", "egdi", "osi", "tii", "hci", "level", "rating-class"):
        assert f"table2-{part}-2020" in claims
    for index in ("egdi", "osi", "hci", "tii"):
        assert f"growth-{index}-2018-2020" in claims


@pytest.mark.parametrize(
    ("compute", "words"),
    [
        ('kind = "value", indicator = "rank", country = "KAZ"', "needs year"),
        ('kind = "guess", year = 2020', "compute.kind"),
        ('kind = "growth_pct", indicator = "egdi", country = "KAZ", to = 2020', "needs from"),
        ('kind = "value", indicator = "speed", country = "KAZ", year = 2020', "compute.indicator"),
    ],
)
def test_a_malformed_claim_is_refused(compute: str, words: str) -> None:
    with pytest.raises(InputError, match=words):
        load_claims(CLAIM.format(compute=compute))


def test_claim_ids_are_unique() -> None:
    one = CLAIM.format(compute='kind = "count", year = 2020')
    twice = one + one.split('article = "test"', 1)[1]
    with pytest.raises(InputError, match="claim ids used twice: a"):
        load_claims(twice)
