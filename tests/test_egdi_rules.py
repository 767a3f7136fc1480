"""EGDI rules: level groups, rating classes, ranks, composition and method breaks."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from infosoc import InputError, Observatory
from infosoc.indices import egdi as rules
from infosoc.ranks import competition_ranks

PUBLISHED_CLASSES = Path(__file__).parent / "data" / "published_rating_classes.csv"


@pytest.mark.parametrize(
    ("value", "group"),
    [
        (0.9758, "Very High"),
        (0.7501, "Very High"),
        (0.75, "High"),
        (0.5005, "High"),
        (0.50, "High"),
        (0.4999, "Middle"),
        (0.25, "Middle"),
        (0.2499, "Low"),
        (0.0, "Low"),
        (None, None),
    ],
)
def test_level_groups(value: float | None, group: str | None) -> None:
    assert rules.level(value) == group


def test_rating_classes_are_quartiles_within_each_group() -> None:
    values = {f"C{i}": 0.76 + i * 0.02 for i in range(8)}  # 8 countries, all Very High
    classes = rules.rating_classes(values, 2022)
    assert [classes[f"C{i}"] for i in range(8)] == ["V1", "V1", "V2", "V2", "V3", "V3", "VH", "VH"]
    assert rules.rating_classes(values, 2018) == dict.fromkeys(values)


def test_published_rating_classes_are_reproduced(ingested_home: Path) -> None:
    with PUBLISHED_CLASSES.open(encoding="utf-8") as handle:
        published = [r for r in csv.DictReader(handle) if r["year"] == "2022"]
    assert len(published) >= 5
    rank = {r["iso3"]: r for r in Observatory(home=ingested_home).rank("2022").to_pylist()}
    for row in published:
        assert rank[row["iso3"]]["egdi"] == pytest.approx(float(row["egdi"]))
        assert rank[row["iso3"]]["rating_class"] == row["rating_class"], row


def test_kazakhstan_2020_is_v3_as_in_the_article(ingested_home: Path) -> None:
    rows = {r["year"]: r for r in Observatory(home=ingested_home).egdi("KAZ").to_pylist()}
    assert rows[2020]["rating_class"] == "V3"
    assert rows[2018]["rating_class"] is None


#: EGDI values as published (4 decimals), so that groups have ties and values on a quartile.
published_values = st.integers(0, 10_000).map(lambda v: v / 10_000)


@given(st.dictionaries(st.text("ABCDEFGH", min_size=1, max_size=3), published_values))
def test_quartile_classes_follow_numpys_quantiles(values: dict[str, float]) -> None:
    classes = rules.rating_classes(values, 2022)
    for group, _, codes in ((g, c, k) for _, g, c, k in rules.LEVELS):
        members = {k: v for k, v in values.items() if rules.level(v) == group}
        if not members:
            continue
        cuts = np.quantile(list(members.values()), [0.75, 0.50, 0.25])  # numpy's linear method
        for iso3, value in members.items():
            above = [i for i, cut in enumerate(cuts) if value >= cut - 1e-12]
            assert classes[iso3] == codes[above[0] if above else 3], (iso3, value, cuts)


def test_a_group_of_one_is_in_its_top_class() -> None:
    assert rules.rating_classes({"A": 0.8, "B": 0.3}, 2022) == {"A": "VH", "B": "MH"}


def test_equal_width_rule_would_not_give_v3() -> None:
    # KAZ 2020 (0.8375) sits on the median of the Very High group; equal-width gives V2.
    values = {"KAZ": 0.8375, "A": 0.76, "B": 0.95}
    assert rules.rating_classes(values, 2020, rule="equal-width")["KAZ"] == "V2"


@given(
    st.dictionaries(
        st.text("ABCDEFGH", min_size=1, max_size=3),
        st.one_of(st.none(), st.floats(0, 1, allow_nan=False)),
        max_size=30,
    )
)
def test_competition_ranks(values: dict[str, float | None]) -> None:
    ranks = competition_ranks(values)
    for key, value in values.items():
        if value is None:
            assert ranks[key] is None
        else:
            assert ranks[key] == 1 + sum(1 for v in values.values() if v is not None and v > value)


def test_recomputed_ranks_equal_published_except_explained_ties(ingested_home: Path) -> None:
    checks = {r["year"]: r for r in Observatory(home=ingested_home).egdi_check().to_pylist()}
    assert sorted(checks) == [
        2003, 2004, 2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022, 2024
    ]  # fmt: skip
    for year, check in checks.items():
        if year != 2020:
            assert check["rank_mismatches"] == 0, year
    details = checks[2020]["rank_mismatch_details"]
    assert len(details) == 4
    assert all("tied at the published precision" in d for d in details)
    assert any(d.startswith("AND: published 80, recomputed 79") for d in details)


def test_rank_and_egdi_check_take_periods_as_strings(ingested_home: Path) -> None:
    obs = Observatory(home=ingested_home)
    assert obs.rank("2022", top=1)[0]["iso3"] == "DNK"
    assert [r["year"] for r in obs.egdi_check("2022")] == [2022]
    with pytest.raises(InputError, match="a year such as 2022, not '2020-Q1'"):
        obs.rank("2020-Q1")


def test_composition_check_reports_largest_deviation_and_its_explanations(
    ingested_home: Path,
) -> None:
    checks = {r["year"]: r for r in Observatory(home=ingested_home).egdi_check().to_pylist()}
    for year in (2014, 2016, 2018, 2020, 2022):
        assert checks[year]["max_deviation_from_mean"] < 1e-4
        assert checks[year]["over_tolerance"] == []
    assert checks[2003]["max_deviation_country"] == "DMA"
    assert "DMA" in checks[2003]["published_zero"]
    assert checks[2010]["weights_osi_tii_hci"] == "0.34/0.33/0.33"
    assert checks[2010]["max_deviation_weighted"] < 1e-4
    assert checks[2010]["max_deviation_from_mean"] > 1e-3
    assert checks[2008]["over_tolerance"] == ["CMR", "KHM"]


def test_method_breaks_between_editions() -> None:
    assert rules.method_breaks(2018, 2020) == [rules.METHOD_CHANGES[2020].join(["2020: ", ""])]
    assert rules.method_breaks(2014, 2016) == []
    assert len(rules.method_breaks(2005, 2014)) == 3
