"""Programme targets: registries, statuses, projections, growth rates, the scorecard, the CLI."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infosoc import Observatory
from infosoc.analysis import trend
from infosoc.analysis.targets.registry import builtin_registries
from infosoc.analysis.targets.series import EVIDENCE
from infosoc.errors import InputError, NotFoundError
from infosoc.store import Store

from .conftest import Cli

BUREAU = "KZ.SDG.17.8.1"

TODAY = date(2026, 11, 26)
VILLAGE_TARGETS = [
    "kaz-fibre-km-2021",
    "kaz-fibre-villages-2021",
    "kaz-lte-villages-2021",
    "kaz-satellite-small-villages-2021",
]
#: Village targets of 2021 that official statements report as reached; the others stay unknown.
REPORTED_MET = {"kaz-fibre-km-2021": 20000, "kaz-fibre-villages-2021": 1257}
REGISTRIES = "builtin:kaz_accessible_internet, builtin:kaz_digital_kazakhstan"
TARGET_KEYS = {
    "id", "title", "registry", "indicator", "breakdown", "unit", "baseline", "target",
    "source_document", "status", "evidence", "observed", "projection", "required_growth",
    "observed_growth", "reason", "measured_by", "statements",
}  # fmt: skip
OBSERVED_KEYS = {"period", "value", "evidence", "source", "reported", "note"}
SOURCE_KEYS = {"source", "file_name", "retrieved", "citation"}


def _by_id(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["id"]: t for t in result["targets"]}


def _internet_users(home: Path, code: str = "IT.NET.USER.ZS") -> dict[str, float]:
    """What the store holds for Kazakhstan's internet users, period -> value (the newest
    release's)."""
    with Store(home / "infosoc.duckdb", read_only=True) as store:
        rows = store.series(code, ["KAZ"])
    return {r["period"]: r["value"] for r in rows if r["value"] is not None}


def _rural_users(home: Path) -> dict[str, float]:
    """The Bureau's rural share of internet users, period -> value, read from the store."""
    with Store(home / "infosoc.duckdb", read_only=True) as store:
        rows = store.breakdowns("KZ.SDG.17.8.1", "KAZ")
    return {r["period"]: r["value"] for r in rows if r["breakdown"] == "urbanisation=rural"}


def _write(tmp_path: Path, text: str, name: str = "targets.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _target(ident: str, extra: str = "", **fields: str) -> str:
    """One target of a registry in YAML; ``fields`` replace the defaults."""
    values = {
        "country": "KAZ",
        "title": "A target",
        "unit": "villages",
        "target": "{value: 100, direction: at_least}",
        "deadline": "2030",
        "source_document": "{title: A plan}",
        **fields,
    }
    lines = [f"  - id: {ident}"] + [f"    {k}: {v}" for k, v in values.items() if v != "DROP"]
    return "\n".join(lines) + ("\n" + extra if extra else "") + "\n"


def _observed(*points: tuple[str, float]) -> str:
    rows = [f"      - {{period: {p}, value: {v}, source: ministry report}}" for p, v in points]
    return "    observed:\n" + "\n".join(rows)


# the shipped Kazakhstan registry, on the real data ---------------------------------------------
def test_kazakhstan_internet_users_target_from_the_real_data(ingested_home: Path) -> None:
    # 82 % by 2022: the World Bank's ITU estimate and the Bureau's household survey both hold
    # a 2022 value, and both meet it; the status is official statistics', shown side by side.
    world_bank, bureau = _internet_users(ingested_home), _internet_users(ingested_home, BUREAU)
    assert world_bank["2022"] >= 82 and bureau["2022"] >= 82
    result = Observatory(home=ingested_home).targets("Kazakhstan", as_of=TODAY)
    assert result["country"] == "KAZ" and result["as_of"] == "2026-11-26"
    assert result["registry"] == REGISTRIES
    users = _by_id(result)["kaz-internet-users-2022"]
    assert users["indicator"] == "IT.NET.USER.ZS"
    assert users["target"] == {"value": 82.0, "direction": "at_least", "deadline": "2022"}
    assert users["status"] == "met" and users["evidence"] == "statistics"
    assert users["observed"]["period"] == "2022"
    assert users["observed"]["value"] == pytest.approx(world_bank["2022"])
    assert users["observed"]["evidence"] == "statistics" and users["observed"]["reported"] is None
    assert users["projection"] is None  # the deadline's own value decides: nothing to project
    wb, bns = users["measured_by"]
    assert (wb["indicator"], bns["indicator"]) == ("IT.NET.USER.ZS", BUREAU)
    assert wb["status"] == bns["status"] == "met"
    assert wb["observed"]["value"] == pytest.approx(world_bank["2022"])
    assert bns["observed"]["value"] == pytest.approx(bureau["2022"])
    assert "ITU" in wb["method"] and "WDI" in wb["method"]
    assert "household survey" in bns["method"]
    assert wb["observed"]["source"]["citation"].startswith("worldbank ")
    assert "indicator_17-8-1.csv" in bns["observed"]["source"]["citation"]
    assert f"{bureau['2022']:.4g} in 2022" in users["reason"] and BUREAU in users["reason"]
    window = [p for p in sorted(world_bank) if "2018" <= p <= "2022"]
    slope = np.polyfit([float(p) for p in window], [world_bank[p] for p in window], 1)[0]
    assert users["observed_growth"]["per_year"] == pytest.approx(slope)
    assert users["observed_growth"]["unit"] == "percentage points per year"


def test_before_the_deadline_the_real_trend_decides(ingested_home: Path) -> None:
    # As of mid-2019 only values up to 2018 were complete: the trend, not a value, decides.
    held = _internet_users(ingested_home)
    result = Observatory(home=ingested_home).targets("KAZ", as_of=date(2019, 6, 1))
    users = _by_id(result)["kaz-internet-users-2022"]
    window = [p for p in sorted(held) if "2014" <= p <= "2018"]
    slope, intercept = np.polyfit([float(p) for p in window], [held[p] for p in window], 1)
    expected = intercept + slope * 2022
    assert users["observed"]["period"] == "2018"
    assert users["projection"]["value"] == pytest.approx(expected)
    assert users["status"] == ("on_track" if expected >= 82 else "off_track")
    assert users["observed_growth"]["from_period"] == "2014"
    assert users["observed_growth"]["to_period"] == "2018"
    # "Accessible Internet" was declared in 2023: in 2019 it did not exist yet.
    assert result["registry"] == "builtin:kaz_digital_kazakhstan"
    assert all(i.startswith("kaz-ai-") for i in result["declared_later"])
    assert len(result["declared_later"]) == 9 and result["scorecard"]["declared"] == 5
    # The village targets' deadlines (end of 2021) are still ahead; the statements reporting
    # the fibre had not been made yet (March 2021), so nothing measures them.
    for ident in VILLAGE_TARGETS:
        assert _by_id(result)[ident]["status"] == "no_data"
        assert _by_id(result)[ident]["observed"] is None
    # only what had been said by then is listed: the plan of February 2019
    (said,) = _by_id(result)["kaz-fibre-km-2021"]["statements"]
    assert said["date"] == "2019-02"
    assert _by_id(result)["kaz-lte-villages-2021"]["statements"] == []


def test_reported_values_carry_their_statement_date_and_address(ingested_home: Path) -> None:
    targets = _by_id(Observatory(home=ingested_home).targets("KAZ", as_of=TODAY))
    for ident, value in REPORTED_MET.items():
        target = targets[ident]
        assert target["indicator"] is None  # no statistical series: only what was said
        assert target["status"] == "met" and target["evidence"] == "reported"
        observed = target["observed"]
        assert observed["value"] == value and observed["period"] == "2020-12"
        assert observed["evidence"] == "reported"
        said = observed["reported"]
        assert said["date"] == "2021-03" and said["url"].startswith("https://")
        assert said["statement"] and said["statement"] in observed["source"]["citation"]
        assert "reported in an official statement, not on statistics" in target["reason"]
        assert "ahead of the deadline" in target["reason"]
        assert target["statements"] and all(s["url"] for s in target["statements"])
        assert "ref. [9]" in target["source_document"]["cited_in"]
    for ident in ("kaz-lte-villages-2021", "kaz-satellite-small-villages-2021"):
        target = targets[ident]  # statements about them, but none gives a value
        assert target["status"] == "no_data" and target["evidence"] is None
        assert target["observed"] is None and target["projection"] is None
        assert target["required_growth"] is None and target["observed_growth"] is None
        assert "No official series measures this target" in target["reason"]
        assert target["statements"] and "statements about it" in target["reason"]
    assert targets["kaz-lte-villages-2021"]["target"]["value"] == 3143


def test_a_reported_value_counts_only_from_its_statement(ingested_home: Path) -> None:
    # The fibre value is for the end of 2020, but it was stated in March 2021: in February
    # 2021 nobody could know it.
    before = _by_id(Observatory(home=ingested_home).targets("KAZ", as_of=date(2021, 2, 15)))
    after = _by_id(Observatory(home=ingested_home).targets("KAZ", as_of=date(2021, 4, 1)))
    assert before["kaz-fibre-villages-2021"]["observed"] is None
    assert before["kaz-fibre-villages-2021"]["status"] == "no_data"
    assert after["kaz-fibre-villages-2021"]["status"] == "met"
    assert after["kaz-fibre-villages-2021"]["evidence"] == "reported"


def test_the_rural_users_target_is_judged_by_the_bureaus_rural_series(
    ingested_home: Path,
) -> None:
    rural = _rural_users(ingested_home)
    assert rural["2023"] == pytest.approx(93.2)
    target = _by_id(Observatory(home=ingested_home).targets("KAZ", as_of=TODAY))[
        "kaz-ai-rural-users-2027"
    ]
    assert (target["indicator"], target["breakdown"]) == (BUREAU, "urbanisation=rural")
    assert target["target"] == {"value": 97.0, "direction": "at_least", "deadline": "2027"}
    assert target["observed"]["period"] == "2023"
    assert target["observed"]["value"] == pytest.approx(rural["2023"])
    assert "indicator_17-8-1.csv" in target["observed"]["source"]["citation"]
    window = [p for p in sorted(rural) if "2019" <= p <= "2023"]
    slope, intercept = np.polyfit([float(p) for p in window], [rural[p] for p in window], 1)
    expected = intercept + slope * 2027
    projection = target["projection"]
    assert projection["period"] == "2027"
    assert projection["value"] == pytest.approx(expected)
    assert projection["low"] < projection["value"] < projection["high"]
    assert target["status"] == ("on_track" if expected >= 97 else "off_track")
    assert target["evidence"] == "statistics"
    assert target["required_growth"]["per_year"] == pytest.approx((97 - rural["2023"]) / 4)
    if expected > 100:  # a straight line passes 100 %: the reason says how to read it
        assert "cannot pass 100 %" in target["reason"]


def test_the_accessible_internet_targets_each_have_their_statement(ingested_home: Path) -> None:
    result = Observatory(home=ingested_home).targets("KAZ", as_of=TODAY)
    project = [t for t in result["targets"] if t["registry"] == "builtin:kaz_accessible_internet"]
    goals = {t["id"]: t["target"]["value"] for t in project}
    assert goals["kaz-ai-fibre-villages-share-2027"] == 90
    assert goals["kaz-ai-households-high-speed-2027"] == 95
    assert goals["kaz-ai-rural-users-2027"] == 97
    assert goals["kaz-ai-speed-100mbps-2027"] == 100
    assert goals["kaz-ai-villages-3000-2027"] == 3000
    assert goals["kaz-ai-road-masts-2027"] == 487 and goals["kaz-ai-road-km-2027"] == 17000
    for target in project:
        document = target["source_document"]
        assert document["statement"] and document["date"], target["id"]
        assert target["target"]["deadline"].startswith("2027")
    share = _by_id(result)["kaz-ai-fibre-villages-share-2027"]
    assert share["observed"]["evidence"] == "reported"  # 2,606 of 6,179 settlements, 2025
    assert share["observed"]["value"] == pytest.approx(2606 / 6179 * 100, abs=0.01)
    assert share["status"] == "no_data" and "Only one value" in share["reason"]


def test_scorecard_separates_statistics_from_reports(ingested_home: Path) -> None:
    result = Observatory(home=ingested_home).targets("KAZ", as_of=TODAY)
    card = result["scorecard"]
    targets = result["targets"]
    statuses = [t["status"] for t in targets]
    assert card["declared"] == len(statuses) == 14
    for status in ("met", "missed", "on_track", "off_track", "no_data"):
        assert card[status] == statuses.count(status)
        if status != "no_data":
            split = [card["by_evidence"][e][status] for e in ("statistics", "reported")]
            assert sum(split) == card[status]
    for evidence in ("statistics", "reported"):
        for status, count in card["by_evidence"][evidence].items():
            assert count == sum(
                t["status"] == status and t["evidence"] == evidence for t in targets
            )
    # internet users (both series) by statistics; fibre kilometres and villages as reported
    assert card["by_evidence"]["statistics"]["met"] == 1
    assert card["by_evidence"]["reported"]["met"] == len(REPORTED_MET)
    assert all(t["evidence"] is None for t in targets if t["status"] == "no_data")
    assert card["share_achieved"] == pytest.approx(card["met"] / 14)
    assert card["share_achieved_statistics"] == pytest.approx(1 / 14)
    reported = sum(card["by_evidence"]["reported"].values())
    assert card["share_reported"] == pytest.approx(reported / 14)
    assert card["share_uncheckable"] == pytest.approx(card["no_data"] / 14)


def test_titles_follow_the_language(ingested_home: Path) -> None:
    targets = _by_id(Observatory(home=ingested_home).targets("KAZ", as_of=TODAY, lang="ru"))
    assert targets["kaz-internet-users-2022"]["title"] == "Доля пользователей сети Интернет"


def test_the_shipped_registry_is_valid_package_data() -> None:
    registries = {r.label: r for r in builtin_registries()}
    assert set(registries) == set(REGISTRIES.split(", "))
    for registry in registries.values():
        assert {t.country for t in registry.targets} == {"KAZ"}
        for lang in ("ru", "kk"):  # every title is in the catalogues
            assert all(t.title.get(lang) != t.title.en for t in registry.targets)
        for target in registry.targets:  # every reported value says what, when and where
            assert all(o.reported.url.startswith("https://") for o in target.observed if o.reported)


def test_a_country_without_targets(ingested_home: Path) -> None:
    with pytest.raises(NotFoundError, match="no targets for UZB"):
        Observatory(home=ingested_home).targets("UZB")


# a user's registry --------------------------------------------------------------------------------
USER_REGISTRY = (
    "name: test plan\ntargets:\n"
    + _target("rising", _observed(("2019", 100), ("2020", 210), ("2021", 290), ("2022", 405)))
    + _target("flat", _observed(("2019", 50), ("2020", 52), ("2021", 51), ("2022", 53)))
    + _target(
        "ceiling", _observed(("2020", 30), ("2021", 24), ("2022", 19)),
        target="{value: 10, direction: at_most}", unit="'% of households'",
    )
    + _target("single", _observed(("2022", 40)))
    + _target("done", _observed(("2020", 60), ("2021", 120)), deadline="2021-12-31")
    + _target("short", _observed(("2020", 60), ("2021", 80)), deadline="2021-12-31")
    + _target("gap", _observed(("2018", 60), ("2019", 80)), deadline="2021")
    + _target("nothing", baseline="{period: 2020, value: 20}")
)  # fmt: skip


@pytest.fixture
def user_result(ingested_home: Path, tmp_path: Path) -> dict[str, Any]:
    path = _write(tmp_path, USER_REGISTRY)
    return Observatory(home=ingested_home).targets("KZ", file=path, as_of=date(2023, 3, 1))


def test_future_deadlines_are_judged_by_the_trend(user_result: dict[str, Any]) -> None:
    targets = _by_id(user_result)
    rising, flat = targets["rising"], targets["flat"]
    # "rising" is already above its target before the deadline: met ahead of time.
    assert rising["status"] == "met" and flat["status"] == "off_track"
    assert "ahead of the deadline" in rising["reason"]
    assert rising["projection"]["period"] == "2030"
    assert rising["projection"]["value"] > 100 > flat["projection"]["value"]
    # required growth from the latest value: (100 - 405) / 8 years, already above the target
    assert rising["required_growth"] == {
        "per_year": pytest.approx((100 - 405) / 8), "from_period": "2022", "from_value": 405,
        "cagr_pct": pytest.approx(((100 / 405) ** (1 / 8) - 1) * 100),
        "unit": "villages per year",
    }  # fmt: skip
    assert flat["required_growth"]["per_year"] == pytest.approx((100 - 53) / 8)
    assert flat["observed_growth"]["per_year"] == pytest.approx(0.8)
    assert flat["observed"]["source"] == {
        "source": "ministry report", "file_name": "targets.yaml", "retrieved": None,
        "citation": "ministry report (as given in targets.yaml)",
    }  # fmt: skip
    # a registry's own value without a statement counts as statistics
    assert flat["observed"]["evidence"] == "statistics" and flat["evidence"] == "statistics"
    assert "falls short" in flat["reason"]
    ceiling = targets["ceiling"]
    assert ceiling["status"] == "on_track"  # falling by 5.5 points a year towards at most 10 %
    assert ceiling["observed_growth"]["unit"] == "percentage points per year"
    assert ceiling["required_growth"]["per_year"] < 0


def test_passed_deadlines_are_met_missed_or_unknown(user_result: dict[str, Any]) -> None:
    targets = _by_id(user_result)
    assert targets["done"]["status"] == "met" and targets["done"]["projection"] is None
    assert targets["short"]["status"] == "missed"
    assert targets["short"]["observed"]["period"] == "2021"
    gap = targets["gap"]  # deadline 2021, latest value 2019
    assert gap["status"] == "no_data"
    assert gap["observed"]["period"] == "2019"
    assert gap["projection"]["period"] == "2021"
    assert gap["projection"]["value"] == pytest.approx(120)
    assert gap["projection"]["low"] is None  # two points: a line, but no interval
    assert "no value for 2021" in gap["reason"]


def test_one_value_or_none_gives_no_trend(user_result: dict[str, Any]) -> None:
    targets = _by_id(user_result)
    single = targets["single"]
    assert single["status"] == "no_data"
    assert single["projection"] is None and single["observed_growth"] is None
    assert single["observed"]["value"] == 40
    assert "Only one value" in single["reason"]
    nothing = targets["nothing"]
    assert nothing["status"] == "no_data" and nothing["observed"] is None
    assert nothing["baseline"] == {"period": "2020", "value": 20, "source": None}
    # with no value at all, the growth needed runs from the declared baseline
    assert nothing["required_growth"]["from_period"] == "2020"
    assert nothing["required_growth"]["per_year"] == pytest.approx(8)
    card = user_result["scorecard"]
    assert card["declared"] == 8 and card["no_data"] == 3 and card["met"] == 2
    assert card["share_uncheckable"] == pytest.approx(3 / 8)


def test_user_values_fill_the_gaps_of_the_store(ingested_home: Path, tmp_path: Path) -> None:
    held = _internet_users(ingested_home)
    assert "2025" not in held and "2022" in held
    text = "targets:\n" + _target(
        "users",
        _observed(("2022", 1.0), ("2025", 99.0)),
        indicator="IT.NET.USER.ZS",
        unit="'% of population'",
        target="{value: 95, direction: at_least}",
        deadline="2025",
    )
    result = Observatory(home=ingested_home).targets(
        "KAZ", file=_write(tmp_path, text), as_of=TODAY
    )
    (users,) = result["targets"]
    assert users["status"] == "met"
    assert users["observed"]["value"] == 99.0 and users["observed"]["period"] == "2025"
    assert users["observed"]["source"]["source"] == "ministry report"
    # the store's 2022 value wins over the registry's for the same period
    window = {p: v for p, v in held.items() if "2021" <= p <= "2025"} | {"2025": 99.0}
    slope = np.polyfit([float(p) for p in window], list(window.values()), 1)[0]
    assert users["observed_growth"]["from_period"] == "2021"
    assert users["observed_growth"]["per_year"] == pytest.approx(slope)
    (own,) = users["measured_by"]  # the store's series alone: no 2025 value, no verdict
    assert own["observed"]["period"] == max(held) and own["status"] == "no_data"


REPORTED = """      - period: {period}
        value: {value}
        source: minister's speech
        reported:
          statement: "{value} villages are connected"
          date: {date}
          url: https://example.org/news/{value}
"""


def test_a_status_resting_on_reports_is_labelled_as_reported(
    ingested_home: Path, tmp_path: Path
) -> None:
    said = "".join(
        REPORTED.format(period=p, value=v, date=d)
        for p, v, d in (("2021", 100, "2022-02"), ("2022", 200, "2023-01-15"), ("2023", 260, 2024))
    )
    statement = (
        "    statements:\n      - {date: 2023-05, statement: plan restated, "
        "url: 'https://example.org/plan', source: ministry}\n"
    )
    text = (
        "targets:\n"
        + _target("villages", "    observed:\n" + said + statement.rstrip("\n"))
        + _target("mixed", _observed(("2021", 10), ("2022", 20)) + "\n" + said.rstrip("\n"))
    )
    result = Observatory(home=ingested_home).targets(
        "KAZ", file=_write(tmp_path, text), as_of=TODAY
    )
    villages, mixed = result["targets"]
    assert villages["status"] == "met" and villages["evidence"] == "reported"
    # reached ahead of the deadline: the first value at the target is the evidence
    assert villages["observed"]["reported"] == {
        "statement": "100 villages are connected", "date": "2022-02",
        "url": "https://example.org/news/100",
    }  # fmt: skip
    assert villages["statements"] == [
        {"date": "2023-05", "statement": "plan restated", "url": "https://example.org/plan",
         "source": "ministry", "note": None},
    ]  # fmt: skip
    # the registry's statistics fill 2021-2022 first; the trend then runs through a reported
    # value (2023), so the status rests on reports
    assert mixed["observed"]["period"] == "2023" and mixed["evidence"] == "reported"
    assert result["scorecard"]["by_evidence"]["reported"]["met"] == 2
    assert result["scorecard"]["share_achieved_statistics"] == 0


def test_a_breakdown_with_two_published_values_is_left_out(
    ingested_home: Path, tmp_path: Path
) -> None:
    # The Bureau gives LTE coverage only for 2023, twice (87.3 and 89.2): that period is not
    # used, and the reason says why.
    text = "targets:\n" + _target(
        "lte",
        indicator="KZ.SDG.9.c.1",
        breakdown="technology=lte",
        unit="'% of population'",
        target="{value: 95, direction: at_least}",
    )
    (lte,) = Observatory(home=ingested_home).targets(
        "KAZ", file=_write(tmp_path, text), as_of=TODAY
    )["targets"]
    assert lte["status"] == "no_data" and lte["observed"] is None
    assert "2023 is left out" in lte["reason"] and "87.3 and 89.2" in lte["reason"]
    assert lte["measured_by"][0]["conflicts"][0]["values"] == [87.3, 89.2]


# invalid registries -------------------------------------------------------------------------------
def _reported_without(drop: str, url: str = "https://example.org/a") -> str:
    """An observed value reported in a statement, without the field ``drop``."""
    fields = {"statement": "done", "date": "2021-03", "url": url}
    lines = [f"          {k}: {v}" for k, v in fields.items() if k != drop]
    return (
        "    observed:\n      - period: 2020\n        value: 5\n        source: press\n"
        "        reported:\n" + "\n".join(lines)
    )


@pytest.mark.parametrize(
    ("text", "row", "column", "words"),
    [
        ("targets:\n" + _target("a", unit="DROP"), 2, "unit", "target 'a' (#1): the field 'unit'"),
        (
            "targets:\n" + _target("a") + _target("b", target="{value: 1, direction: more}"),
            13,
            "target.direction",
            "target 'b' (#2): Input should be 'at_least' or 'at_most', not 'more'",
        ),
        ("targets:\n" + _target("a", country="Narnia"), 3, "country", "unknown country 'Narnia'"),
        ("targets:\n" + _target("a", deadline="soon"), 7, "deadline", "a year (2022) or a date"),
        ("targets:\n" + _target("a", deadline="2021-02-30"), 7, "deadline", "is not a date"),
        ("targets:\n" + _target("a", colour="red"), 9, "colour", "not a field"),
        ("targets:\n" + _target("a") + _target("a"), 9, "id", "the id is used twice"),
        ("targets:\n  - id: [a\n    country: KAZ\n", 3, None, "not valid YAML"),
        (
            "targets:\n" + _target("a", _reported_without("url")),
            14,
            "observed.0.reported.url",
            "target 'a' (#1): the field 'observed.0.reported.url' is missing",
        ),
        (
            "targets:\n" + _target("a", _reported_without("date")),
            14,
            "observed.0.reported.date",
            "the field 'observed.0.reported.date' is missing",
        ),
        (
            "targets:\n" + _target("a", _reported_without("none", "astana.kz/x")),
            16,
            "observed.0.reported.url",
            "an address starting with https:// or http://, not 'astana.kz/x'",
        ),
        (
            "targets:\n" + _target("a", breakdown="urbanisation=rural"),
            2,
            None,
            "target 'a' (#1): 'breakdown' needs an 'indicator'",
        ),
        (
            "targets:\n" + _target("a", indicator="X", breakdown="rural"),
            10,
            "breakdown",
            "a breakdown such as urbanisation=rural",
        ),
        ("a,b,c\n1,2,3\n", 1, None, "expected a mapping with a 'targets' list"),
    ],
)
def test_invalid_registries(
    ingested_home: Path, tmp_path: Path, text: str, row: int, column: str | None, words: str
) -> None:
    path = _write(tmp_path, text, "bad.yaml")
    with pytest.raises(InputError) as caught:
        Observatory(home=ingested_home).targets("KAZ", file=path)
    error = caught.value
    assert error.file == "bad.yaml" and error.row == row and error.column == column
    assert words in str(error)
    assert str(error).startswith(f"bad.yaml, row {row}")


def test_invalid_registry_on_the_command_line(
    ingested_home: Path, tmp_path: Path, cli: Cli
) -> None:
    bad = _target("x", target="{value: lots, direction: at_least}")
    path = _write(tmp_path, "targets:\n" + bad)
    result = cli("targets", "KAZ", "--file", path, "--home", ingested_home)
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "targets.yaml, row 6, column 'target.value': target 'x' (#1)" in line
    missing = cli("targets", "KAZ", "--file", tmp_path / "none.yaml", "--home", ingested_home)
    assert missing.exit_code == 2 and "no such registry file" in missing.stderr
    bad_date = cli("targets", "KAZ", "--as-of", "yesterday", "--home", ingested_home)
    assert bad_date.exit_code == 2 and "is not a date" in bad_date.stderr
    # a reported value must say where and when it was said
    for drop in ("url", "date"):
        path = _write(tmp_path, "targets:\n" + _target("r", _reported_without(drop)), "r.yaml")
        result = cli("targets", "KAZ", "--file", path, "--home", ingested_home)
        assert result.exit_code == 2 and result.stdout == ""
        (line,) = result.stderr.strip().splitlines()
        assert line == (
            f"error: r.yaml, row 14, column 'observed.0.reported.{drop}': target 'r' (#1): "
            f"the field 'observed.0.reported.{drop}' is missing"
        )


# the command line ---------------------------------------------------------------------------------
def test_cli_json_structure(ingested_home: Path, cli: Cli) -> None:
    result = cli("targets", "KAZ", "--as-of", "2026-11-26", "-f", "json", "--home", ingested_home)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {
        "country", "lang", "as_of", "registry", "targets", "declared_later", "scorecard",
    }  # fmt: skip
    assert data["declared_later"] == []
    assert data["as_of"] == "2026-11-26"
    assert set(data["scorecard"]) == {
        "declared", "met", "missed", "on_track", "off_track", "no_data", "by_evidence",
        "share_achieved", "share_achieved_statistics", "share_reported", "share_uncheckable",
    }  # fmt: skip
    for target in data["targets"]:
        assert set(target) == TARGET_KEYS
        assert set(target["target"]) == {"value", "direction", "deadline"}
        assert target["evidence"] in ({None} if target["status"] == "no_data" else EVIDENCE)
        for observed in [target["observed"]] + [m["observed"] for m in target["measured_by"]]:
            if observed is not None:
                assert set(observed) == OBSERVED_KEYS
                assert set(observed["source"]) == SOURCE_KEYS
                assert (observed["reported"] is None) == (observed["evidence"] == "statistics")
        if target["projection"] is not None:
            assert set(target["projection"]) == {"period", "value", "low", "high", "method"}
    # the article's 82 % target: met, with its source, and both official series beside it
    users = _by_id(data)["kaz-internet-users-2022"]
    assert users["status"] == "met" and users["evidence"] == "statistics"
    assert users["observed"]["source"]["source"] == "worldbank"
    assert "API_IT.NET.USER.ZS" in users["observed"]["source"]["citation"]  # the 2024 release
    assert [m["status"] for m in users["measured_by"]] == ["met", "met"]
    assert {"per_year", "from_period", "to_period"} <= set(users["observed_growth"])
    fibre = _by_id(data)["kaz-fibre-villages-2021"]
    assert fibre["evidence"] == "reported" and fibre["observed"]["reported"]["url"]


def test_cli_table_never_prints_missing_as_zero(ingested_home: Path, cli: Cli) -> None:
    result = cli("targets", "KAZ", "--as-of", "2026-11-26", "--home", ingested_home)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "None" not in out and not re.search(r"\bnan\b", out, re.IGNORECASE)
    for line in out.splitlines():
        if "no data" in line:  # a target with nothing to judge it by has no zero anywhere
            assert not re.search(r"│\s*0(\.0+)?\s*│", line), line
    assert "—" in out
    # (a long id is cut short in a narrow table; the footnotes give it in full)
    lte = next(line for line in out.splitlines() if line.startswith("│ kaz-lte-villag"))
    cells = [c.strip() for c in lte.split("│")[1:-1]]
    assert cells[4:6] == ["—", "—"] and cells[6] == "no data" and cells[7:] == ["—"] * 4
    fibre = next(line for line in out.splitlines() if line.startswith("│ kaz-fibre-km-2021 "))
    assert [c.strip() for c in fibre.split("│")[1:-1]][6] == "met (reported)"
    users = next(line for line in out.splitlines() if line.startswith("│ kaz-internet-user"))
    assert [c.strip() for c in users.split("│")[1:-1]][6] == "met"  # official statistics
    assert "Scorecard: 14 declared" in out
    assert "Judged by official statistics: 1 met" in out
    assert "Judged by reported official statements only: 2 met" in out
    assert "uncheckable" in out and f"Registry: {REGISTRIES}" in out
    # both official series of the 82 % target, side by side, each with its method and file
    assert re.search(r"measured by IT\.NET\.USER\.ZS \[ITU[^\]]*\]: met, 92\.\d+ in 2022", out)
    assert re.search(r"measured by KZ\.SDG\.17\.8\.1 \[[^\]]*household survey", out)
    assert 'statement 2019-02: "About 20,000 km' in out


KAZAKH_LETTERS = set("әғқңөұүһі")


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_titles_reasons_and_methods_are_in_the_language_asked_for(
    ingested_home: Path, cli: Cli, lang: str
) -> None:
    args = ("targets", "KAZ", "--as-of", "2026-11-26", "--home", ingested_home, "--lang", lang)
    data = json.loads(cli(*args, "-f", "json").stdout)
    assert data["lang"] == lang
    texts = [t["title"] for t in data["targets"]] + [t["reason"] for t in data["targets"]]
    texts += [t["projection"]["method"] for t in data["targets"] if t["projection"]]
    for text in texts:
        letters = {c for c in text.lower() if c.isalpha()}
        assert letters & set("абвгдежзийклмнопрстуфхцчшщыэюя"), text
        assert bool(letters & KAZAKH_LETTERS) == (lang == "kk"), text
    table = cli(*args).stdout
    heading = {"ru": "Целевые показатели программ", "kk": "нысаналы көрсеткіштері"}[lang]
    assert heading in table and "None" not in table


def test_cli_csv_and_ndjson_print_the_rows_of_the_json(ingested_home: Path, cli: Cli) -> None:
    args = ("targets", "KAZ", "--as-of", "2026-11-26", "--home", ingested_home)
    whole = json.loads(cli(*args, "-f", "json").stdout)
    lines = cli(*args, "-f", "ndjson").stdout.splitlines()
    assert [json.loads(line) for line in lines] == whole["targets"]
    rows = list(csv.DictReader(io.StringIO(cli(*args, "-f", "csv").stdout)))
    assert [r["id"] for r in rows] == [t["id"] for t in whole["targets"]]
    users = next(r for r in rows if r["id"] == "kaz-internet-users-2022")
    assert users["observed.source.source"] == "worldbank" and users["target.value"] == "82.0"
    # a list of objects stays whole, as JSON text in its cell
    assert [m["indicator"] for m in json.loads(users["measured_by"])] == [
        "IT.NET.USER.ZS", "KZ.SDG.17.8.1",
    ]  # fmt: skip


def test_cli_csv_leaves_missing_cells_empty(ingested_home: Path, cli: Cli) -> None:
    result = cli("targets", "KAZ", "-f", "csv", "--home", ingested_home)
    assert result.exit_code == 0, result.stderr
    header, *rows = result.stdout.strip().splitlines()
    # the JSON's target rows, a nested object flattened into dotted columns
    assert header.startswith("id,title,registry,indicator,breakdown,unit,baseline")
    assert ",target.value,target.direction,target.deadline," in header
    columns = header.split(",")  # each object's columns where the JSON has it
    assert (
        columns.index("observed.value")
        < columns.index("projection.value")
        < columns.index("reason")
    )
    lte = next(r for r in rows if r.startswith("kaz-lte-villages-2021,"))
    assert ",no_data," in lte and "None" not in lte and ",0," not in lte
    fibre = next(r for r in rows if r.startswith("kaz-fibre-villages-2021,"))
    assert ",met,reported," in fibre


# the maths ----------------------------------------------------------------------------------------
times_st = st.lists(
    st.integers(1990, 2030), min_size=3, max_size=12, unique=True
).map(sorted)  # fmt: skip


@settings(deadline=None)  # the first example imports scipy, the oracle
@given(st.floats(1e-6, 1 - 1e-6), st.integers(1, 400))
def test_the_t_quantile_equals_scipys(p: float, df: int) -> None:
    from scipy.special import stdtrit

    expected = float(stdtrit(df, p))
    assert trend.student_t_quantile(p, df) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_the_t_quantile_has_the_textbook_values_and_refuses_nonsense() -> None:
    # Tables of Student's t: t(0.95; 1) = 6.314, t(0.975; 10) = 2.228, t(0.95; 30) = 1.697.
    assert trend.student_t_quantile(0.95, 1) == pytest.approx(6.3138, abs=1e-4)
    assert trend.student_t_quantile(0.975, 10) == pytest.approx(2.2281, abs=1e-4)
    assert trend.student_t_quantile(0.05, 30) == pytest.approx(-1.6973, abs=1e-4)
    assert trend.student_t_quantile(0.5, 7) == pytest.approx(0.0, abs=1e-12)
    for p, df in ((0.0, 5), (1.0, 5), (0.9, 0), (0.9, 2.5)):
        with pytest.raises(ValueError):
            trend.student_t_quantile(p, df)  # type: ignore[arg-type]


def test_too_few_points_give_no_trend_and_zero_gives_no_cagr() -> None:
    assert trend.fit([2020.0], [5.0]) is None
    assert trend.fit([], []) is None
    two = trend.fit([2020.0, 2021.0], [1.0, 3.0])
    assert two is not None and two.residual_sd is None
    assert trend.project(two, 2023.0) == trend.Projection(7.0, None, None)
    assert trend.cagr_pct(0.0, 5.0, 3) is None
