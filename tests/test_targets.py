"""Programme targets: registries, statuses, projections, growth rates, the scorecard, the CLI."""

from __future__ import annotations

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
from infosoc.analysis.target_registry import builtin_registries
from infosoc.errors import InputError, NotFoundError
from infosoc.store import Store

from .conftest import Cli

TODAY = date(2026, 11, 26)
VILLAGE_TARGETS = [
    "kaz-fibre-km-2021",
    "kaz-fibre-villages-2021",
    "kaz-lte-villages-2021",
    "kaz-satellite-small-villages-2021",
]
TARGET_KEYS = {
    "id", "title", "indicator", "unit", "baseline", "target", "source_document", "status",
    "observed", "projection", "required_growth", "observed_growth", "reason",
}  # fmt: skip


def _by_id(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["id"]: t for t in result["targets"]}


def _internet_users(home: Path) -> dict[str, float]:
    """What the store holds for Kazakhstan's internet users, period -> value."""
    with Store(home / "infosoc.duckdb", read_only=True) as store:
        rows = store.series("IT.NET.USER.ZS", ["KAZ"])
    return {r["period"]: r["value"] for r in rows if r["value"] is not None}


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
    held = _internet_users(ingested_home)
    result = Observatory(home=ingested_home).targets("Kazakhstan", as_of=TODAY)
    assert result["country"] == "KAZ" and result["as_of"] == "2026-11-26"
    assert result["registry"] == "builtin:kaz_digital_kazakhstan"
    users = _by_id(result)["kaz-internet-users-2022"]
    assert users["indicator"] == "IT.NET.USER.ZS"
    assert users["target"] == {"value": 82.0, "direction": "at_least", "deadline": "2022"}
    if "2022" in held:  # a store with newer World Bank files can say met or missed
        assert users["status"] == ("met" if held["2022"] >= 82 else "missed")
        assert users["observed"]["period"] == "2022"
        return
    # The shared data end in 2020: no 2022 value, but a value held before the deadline
    # already reaches 82 %: met ahead of the deadline, naming the period; otherwise the
    # target cannot be checked.
    latest = max(p for p in held if p <= "2022")
    reached = [p for p in sorted(held) if p <= "2022" and held[p] >= 82]
    if reached:
        assert users["status"] == "met"
        assert users["observed"]["period"] == reached[0]
        assert users["observed"]["value"] == pytest.approx(held[reached[0]])
        assert "ahead of the deadline" in users["reason"]
    else:
        assert users["status"] == "no_data"
        assert users["observed"]["period"] == latest
        assert "no value for 2022" in users["reason"]
    assert users["observed"]["source"]["source"] == "worldbank"
    assert users["observed"]["source"]["file_name"].startswith("WDI_IT.NET.USER.ZS")
    projection = users["projection"]
    assert projection["period"] == "2022"
    assert projection["low"] < projection["value"] < projection["high"]
    assert "OLS" in projection["method"] and "90%" in projection["method"]
    window = sorted(p for p in held if float(p) > float(latest) - 5)
    slope, intercept = np.polyfit([float(p) for p in window], [held[p] for p in window], 1)
    assert projection["value"] == pytest.approx(intercept + slope * 2022)
    assert users["observed_growth"]["per_year"] == pytest.approx(slope)
    assert users["observed_growth"]["unit"] == "percentage points per year"
    needed = (82 - held[latest]) / (2022 - float(latest))
    assert users["required_growth"]["per_year"] == pytest.approx(needed)


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
    # The village targets' deadlines (end of 2021) are still ahead, but nothing measures them.
    assert all(_by_id(result)[i]["status"] == "no_data" for i in VILLAGE_TARGETS)


def test_village_and_fibre_targets_cannot_be_checked(ingested_home: Path) -> None:
    targets = _by_id(Observatory(home=ingested_home).targets("KAZ", as_of=TODAY))
    for ident in VILLAGE_TARGETS:
        target = targets[ident]
        assert target["indicator"] is None
        assert target["status"] == "no_data"
        assert target["observed"] is None and target["projection"] is None
        assert target["required_growth"] is None and target["observed_growth"] is None
        assert "No official series measures this target" in target["reason"]
        assert "ref. [9]" in target["source_document"]["cited_in"]
    assert targets["kaz-fibre-km-2021"]["target"]["value"] == 20000
    assert targets["kaz-fibre-villages-2021"]["target"]["value"] == 1250
    assert targets["kaz-lte-villages-2021"]["target"]["value"] == 3143


def test_scorecard_shares(ingested_home: Path) -> None:
    result = Observatory(home=ingested_home).targets("KAZ", as_of=TODAY)
    card = result["scorecard"]
    statuses = [t["status"] for t in result["targets"]]
    assert card["declared"] == len(statuses) == 5
    for status in ("met", "missed", "on_track", "off_track", "no_data"):
        assert card[status] == statuses.count(status)
    assert card["share_achieved"] == pytest.approx(card["met"] / 5)
    assert card["share_uncheckable"] == pytest.approx(card["no_data"] / 5)
    held = _internet_users(ingested_home)
    if "2022" not in held and max(held.values()) >= 82:  # met ahead of the deadline
        assert card["met"] == 1 and card["no_data"] == 4
        assert card["share_achieved"] == 0.2 and card["share_uncheckable"] == 0.8


def test_titles_follow_the_language(ingested_home: Path) -> None:
    targets = _by_id(Observatory(home=ingested_home).targets("KAZ", as_of=TODAY, lang="ru"))
    assert targets["kaz-internet-users-2022"]["title"] == "Доля пользователей сети Интернет"


def test_the_shipped_registry_is_valid_package_data() -> None:
    (registry,) = [r for r in builtin_registries() if r.label.endswith("digital_kazakhstan")]
    assert {t.country for t in registry.targets} == {"KAZ"}
    assert all(t.title.ru and t.title.kk for t in registry.targets)


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
    }  # fmt: skip
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
    assert "2022" not in held and "2019" in held
    text = "targets:\n" + _target(
        "users",
        _observed(("2019", 1.0), ("2022", 90.9)),
        indicator="IT.NET.USER.ZS",
        unit="'% of population'",
        target="{value: 82, direction: at_least}",
        deadline="2022",
    )
    result = Observatory(home=ingested_home).targets(
        "KAZ", file=_write(tmp_path, text), as_of=TODAY
    )
    (users,) = result["targets"]
    assert users["status"] == "met"
    assert users["observed"]["value"] == 90.9
    assert users["observed"]["source"]["source"] == "ministry report"
    # the store's 2019 value wins over the registry's for the same period
    assert users["observed_growth"]["from_period"] == "2018"
    assert users["observed_growth"]["per_year"] > 0


# invalid registries -------------------------------------------------------------------------------
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


# the command line ---------------------------------------------------------------------------------
def test_cli_json_structure(ingested_home: Path, cli: Cli) -> None:
    result = cli("targets", "KAZ", "--as-of", "2026-11-26", "-f", "json", "--home", ingested_home)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"country", "as_of", "registry", "targets", "scorecard"}
    assert data["as_of"] == "2026-11-26"
    assert set(data["scorecard"]) == {
        "declared", "met", "missed", "on_track", "off_track", "no_data", "share_achieved",
        "share_uncheckable",
    }  # fmt: skip
    for target in data["targets"]:
        assert set(target) == TARGET_KEYS
        assert set(target["target"]) == {"value", "direction", "deadline"}
        if target["observed"] is not None:
            assert set(target["observed"]) == {"period", "value", "source"}
            assert set(target["observed"]["source"]) == {"source", "file_name", "retrieved"}
        if target["projection"] is not None:
            assert set(target["projection"]) == {"period", "value", "low", "high", "method"}
    users = _by_id(data)["kaz-internet-users-2022"]
    assert {"per_year", "from_period", "from_value"} <= set(users["required_growth"])
    assert {"per_year", "from_period", "to_period"} <= set(users["observed_growth"])


def test_cli_table_never_prints_missing_as_zero(ingested_home: Path, cli: Cli) -> None:
    result = cli("targets", "KAZ", "--as-of", "2026-11-26", "--home", ingested_home)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "None" not in out and not re.search(r"\bnan\b", out, re.IGNORECASE)
    assert not re.search(r"│\s*0(\.0+)?\s*│", out)  # no cell holds a bare zero
    assert "—" in out
    fibre = next(line for line in out.splitlines() if "kaz-fibre-km-2021 " in line)
    cells = [c.strip() for c in fibre.split("│")[1:-1]]
    assert cells[4:6] == ["—", "—"] and cells[6] == "no_data" and cells[7:] == ["—"] * 4
    assert "Scorecard: 5 declared" in out
    assert "uncheckable" in out and "Registry: builtin:kaz_digital_kazakhstan" in out


def test_cli_csv_leaves_missing_cells_empty(ingested_home: Path, cli: Cli) -> None:
    result = cli("targets", "KAZ", "-f", "csv", "--home", ingested_home)
    assert result.exit_code == 0, result.stderr
    header, *rows = result.stdout.strip().splitlines()
    assert header.startswith("id,title,deadline,target,")
    fibre = next(r for r in rows if r.startswith("kaz-fibre-km-2021,"))
    assert ",no_data," in fibre and "None" not in fibre and ",0," not in fibre


# the maths ----------------------------------------------------------------------------------------
times_st = st.lists(
    st.integers(1990, 2030), min_size=3, max_size=12, unique=True
).map(sorted)  # fmt: skip


@given(
    times_st,
    st.floats(-50, 50),
    st.floats(-5, 5),
    st.integers(2030, 2040),
)
def test_a_straight_line_projects_exactly(
    years: list[int], intercept: float, slope: float, at: int
) -> None:
    values = [intercept + slope * (y - 2000) for y in years]
    fitted = trend.fit([float(y) for y in years], values)
    assert fitted is not None
    projection = trend.project(fitted, float(at))
    expected = intercept + slope * (at - 2000)
    assert fitted.slope == pytest.approx(slope, abs=1e-6)
    assert projection.value == pytest.approx(expected, abs=1e-6)
    assert projection.low == pytest.approx(expected, abs=1e-5)  # no scatter, no uncertainty
    assert projection.high == pytest.approx(expected, abs=1e-5)


@settings(max_examples=60)
@given(times_st, st.lists(st.floats(-100, 100), min_size=12, max_size=12))
def test_the_interval_holds_the_projection_and_widens_with_distance(
    years: list[int], noise: list[float]
) -> None:
    values = [2.0 * y + noise[i] for i, y in enumerate(years)]
    fitted = trend.fit([float(y) for y in years], values)
    assert fitted is not None
    near, far = trend.project(fitted, years[-1] + 1.0), trend.project(fitted, years[-1] + 10.0)
    widths = []
    for p in (near, far):
        assert p.low is not None and p.high is not None
        assert p.low <= p.value + 1e-9 and p.value <= p.high + 1e-9
        widths.append(p.high - p.low)
    assert widths[1] >= widths[0] - 1e-9


@given(
    st.floats(0.1, 1000),
    st.floats(0.1, 1000),
    st.integers(2000, 2020),
    st.integers(1, 15),
)
def test_required_growth_reaches_the_target(
    start: float, goal: float, year: int, years: int
) -> None:
    per_year = trend.per_year_needed(year, start, year + years, goal)
    assert start + per_year * years == pytest.approx(goal)
    cagr = trend.cagr_pct(start, goal, years)
    assert cagr is not None
    assert start * (1 + cagr / 100) ** years == pytest.approx(goal, rel=1e-9)


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
