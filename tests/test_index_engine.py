"""The composite-index engine: steps, definitions, building, regen, compare, what-if."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from infosoc import Document, InputError, Observatory
from infosoc.cli.output import Format
from infosoc.indices import steps
from infosoc.indices.coin import build, compare, regen
from infosoc.indices.definition import load_definition, recipe

from .conftest import Cli

matrices = arrays(
    np.float64,
    st.tuples(st.integers(3, 12), st.integers(1, 4)),
    elements=st.floats(0.01, 100, allow_nan=False),
)


@given(matrices)
def test_minmax_keeps_order_within_zero_one(x: np.ndarray) -> None:
    y = steps.n_minmax(x)
    for j in range(x.shape[1]):
        if np.ptp(x[:, j]) > 1e-9:
            assert np.nanmin(y[:, j]) == pytest.approx(0) and np.nanmax(y[:, j]) == pytest.approx(1)
            order = np.argsort(x[:, j], kind="stable")
            assert np.all(np.diff(y[order, j]) >= -1e-12)


@given(matrices)
def test_zscore_has_mean_zero_and_unit_sd(x: np.ndarray) -> None:
    z = steps.n_zscore(x)
    for j in range(x.shape[1]):
        if np.std(x[:, j]) > 1e-6:
            assert np.mean(z[:, j]) == pytest.approx(0, abs=1e-9)
            assert np.std(z[:, j]) == pytest.approx(1)


@given(matrices, st.lists(st.floats(0.1, 5), min_size=4, max_size=4))
def test_means_are_ordered_harmonic_geometric_arithmetic(x: np.ndarray, w: list[float]) -> None:
    weights = np.array(w[: x.shape[1]])
    a = steps.a_arithmetic(x, weights)
    g = steps.a_geometric(x, weights)
    h = steps.a_harmonic(x, weights)
    assert np.all(h <= g * (1 + 1e-9)) and np.all(g <= a * (1 + 1e-9))
    assert np.allclose(steps.a_power(x, weights, p=1), a)


def test_missing_values_renormalise_the_weights() -> None:
    x = np.array([[0.2, np.nan, 0.6], [np.nan, np.nan, np.nan]])
    result = steps.a_arithmetic(x, np.array([1.0, 1.0, 3.0]))
    assert result[0] == pytest.approx((0.2 + 3 * 0.6) / 4) and np.isnan(result[1])


def test_geometric_mean_refuses_zeros_with_a_fix() -> None:
    x = np.array([[0.0, 0.5], [0.5, 1.0]])
    with pytest.raises(InputError, match="zero_rule 'shift'"):
        steps.a_geometric(x, np.ones(2))
    shifted = steps.a_geometric(x, np.ones(2), zero_rule="shift", shift=0.01)
    assert shifted[0] == pytest.approx(np.sqrt(0.01 * 0.51) - 0.01)


def test_batch_axes_give_the_same_result_as_single_builds() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((5, 6, 3))
    batched = steps.n_zscore(x)
    for r in range(5):
        assert np.allclose(batched[r], steps.n_zscore(x[r]))


DEFINITION = """
name = "t"
[data]
period = "2022"
[[indicators]]
code = "a"
name = "A"
parent = "ROOT"
[[indicators]]
code = "b"
name = "B"
parent = "ROOT"
direction = -1
[[aggregates]]
code = "ROOT"
name = "Root"
[steps]
normalise = { method = "minmax" }
"""


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (('parent = "ROOT"\ndirection', 'parent = "NOPE"\ndirection'), "unknown parent 'NOPE'"),
        (
            ('normalise = { method = "minmax" }', 'normalise = { method = "magic" }'),
            "unknown method",
        ),
        (('code = "b"', 'code = "a"'), "codes used twice: a"),
        (
            ("[[aggregates]]", '[[aggregates]]\ncode = "X"\nname = "X"\n[[aggregates]]'),
            "exactly one aggregate",
        ),
        (("[data]", "[data"), "not valid TOML"),
    ],
)
def test_a_bad_definition_is_refused(change: tuple[str, str], words: str) -> None:
    with pytest.raises(InputError, match=words):
        load_definition(text=DEFINITION.replace(*change))


def test_build_logs_every_step_and_regen_changes_one() -> None:
    definition = load_definition(text=DEFINITION)
    raw = np.array([[1.0, 10.0], [2.0, 5.0], [3.0, 1.0], [np.nan, 2.0]])
    coin = build(definition, raw, ["U1", "U2", "U3", "U4"])
    assert [e.step for e in coin.log] == ["screen", "impute", "treat", "normalise", "aggregate"]
    assert coin.ranks() == {"U1": 4, "U2": 3, "U3": 1, "U4": 2}  # b counts against
    mean = regen(coin, "impute", method="mean")
    assert mean.log[1].method == "mean" and mean.log[1].note == "1 cells imputed"
    assert coin.log[1].method == "none"  # the original coin is untouched
    screened = regen(coin, "screen", min_coverage=1.0)
    assert screened.screened_out == ["U4"] and "U4" not in screened.units
    rows = compare(coin, mean)
    assert {r["unit"] for r in rows} == {"U1", "U2", "U3", "U4"}
    assert all(r["rank_shift"] == r["rank_b"] - r["rank_a"] for r in rows)


def test_egdi_2022_rebuilt_from_its_components(ingested_home: Path) -> None:
    result = Observatory(home=ingested_home).index_build("egdi", period="2022")
    assert isinstance(result, Document) and result.kind == "index"
    assert result.rows() == result["units"] and result["period"] == "2022"
    comparison = result["comparison"]
    assert comparison["compared"] == 193 and comparison["max_abs_error"] < 1e-4
    differences = comparison["rank_differences"]
    assert len(differences) == 4
    assert all("near tie" in d["reason"] for d in differences)
    ranks = {u["unit"]: u["rank"] for u in result["units"]}
    assert ranks["KAZ"] == 28 and ranks["DNK"] == 1


def test_tii_rebuild_names_what_is_missing(ingested_home: Path) -> None:
    result = Observatory(home=ingested_home).index_build("tii", period="2019")
    assert result["missing_indicators"] == ["itu.active_mobile_broadband"]
    assert result["comparison"]["published"] == "egov.tii 2020"
    assert 0.9 < result["comparison"]["correlation"] < 1


def test_whatif_is_a_labelled_counterfactual(ingested_home: Path, cli: Cli) -> None:
    result = cli(
        "whatif",
        "tii",
        "Kazakhstan",
        "--set",
        "IT.NET.BBND.P2=30",
        "--period",
        "2019",
        "--home",
        ingested_home,
        "-f",
        "json",
    )
    data = json.loads(result.stdout)
    assert data["counterfactual"] is True and data["unit"] == data["country"] == "KAZ"
    assert (data["index"], data["period"]) == ("TII from its components", "2019")
    assert data["changed"]["IT.NET.BBND.P2"]["to"] == 30
    assert data["scores"]["TII"]["after"] > data["scores"]["TII"]["before"]
    assert data["rank"]["after"] < data["rank"]["before"]
    # every unit, before and after: the others' scores move only through the rescaling
    units = {u["unit"]: u for u in data["units"]}
    assert len(units) == data["rank"]["of"] == 193
    assert units["KAZ"]["rank_after"] == data["rank"]["after"]
    assert units["KAZ"]["score_after"] == data["scores"]["TII"]["after"]
    assert [u["rank_after"] for u in data["units"]] == sorted(
        u["rank_after"] for u in data["units"]
    )
    bad = cli("whatif", "tii", "KAZ", "--set", "IT.NOPE=3", "--home", ingested_home)
    assert bad.exit_code == 2 and "unknown indicator IT.NOPE" in bad.stderr
    # a value outside the indicator's plausible range is refused, as it would be in a file
    for impossible in ("IT.NET.BBND.P2=-3", "IT.NET.BBND.P2=900"):
        bad = cli("whatif", "tii", "KAZ", "--set", impossible, "--home", ingested_home)
        assert bad.exit_code == 2 and "is not plausible" in bad.stderr, bad.stderr


def test_index_build_cli_and_a_bad_file(ingested_home: Path, cli: Cli, tmp_path: Path) -> None:
    data = json.loads(cli("index", "build", "egdi", "--home", ingested_home, "-f", "json").stdout)
    assert len(data["units"]) == 193 and data["log"][0]["step"] == "screen"
    broken = tmp_path / "broken.toml"
    broken.write_text(DEFINITION.replace('parent = "ROOT"\ndirection', 'parent = "X"\ndirection'))
    result = cli("index", "build", broken, "--home", ingested_home)
    assert result.exit_code == 2 and "broken.toml" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_recipes_are_known() -> None:
    assert recipe("egdi", "2020").data.period == "2020"
    with pytest.raises(InputError, match="shipped recipes: egdi, hci, tii"):
        recipe("idi")


EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "kz-regions-index.toml"


def test_the_documented_regional_example_builds(cli: Cli, tmp_path: Path) -> None:
    result = cli("index", "build", EXAMPLE, "--home", tmp_path, "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data["units"]) == 20
    assert data["log"][1]["note"] == "2 cells imputed"  # Turkistan and Ulytau, never a real 0
    assert data["units"][0]["unit"] in {"Almaty", "Astana"}


def test_audit_command_json(ingested_home: Path, cli: Cli) -> None:
    result = cli(
        "audit",
        "egdi",
        "--period",
        "2022",
        "--samples",
        "500",
        "--seed",
        "1",
        "--home",
        ingested_home,
        "-f",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"units", "sensitivity", "parameters"} <= set(data)
    assert len(data["units"]) == 193
    for unit in data["units"]:
        assert set(unit) >= {"iso3", "rank", "median_rank", "q05", "q95"}
        assert unit["q05"] <= unit["rank"] <= unit["q95"]
    assert data["parameters"]["seed"] == 1 and data["parameters"]["samples"] == 500
    assert {row["assumption"] for row in data["sensitivity"]} >= {"normaliser", "aggregator"}
    again = json.loads(
        cli(
            "audit",
            "egdi",
            "--samples",
            "500",
            "--seed",
            "1",
            "--home",
            ingested_home,
            "-f",
            "json",
        ).stdout
    )
    assert again["units"] == data["units"]


def test_an_assumption_that_cannot_apply_is_refused_before_running(
    ingested_home: Path, cli: Cli
) -> None:
    result = cli(
        "audit", "egdi", "--samples", "100", "--aggregator", "geometric", "--home", ingested_home
    )
    assert result.exit_code == 2
    assert "zero" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    ok = cli(
        "audit",
        "tii",
        "--period",
        "2019",
        "--samples",
        "100",
        "--aggregator",
        "nominal",
        "--home",
        ingested_home,
        "-f",
        "json",
    )
    assert ok.exit_code == 0, ok.stderr


def test_hci_recipe_says_its_components_are_missing(ingested_home: Path, cli: Cli) -> None:
    result = cli("index", "build", "hci", "--home", ingested_home)
    assert result.exit_code == 2
    assert "none of the indicators" in result.stderr and "uis.adult_literacy" in result.stderr


def test_audit_defaults_say_what_they_leave_out(ingested_home: Path, cli: Cli) -> None:
    result = cli(
        "audit",
        "tii",
        "--period",
        "2019",
        "--samples",
        "100",
        "--home",
        ingested_home,
        "-f",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    notes = json.loads(result.stdout)["parameters"]["notes"]
    assert any("geometric aggregator is left out" in n for n in notes)


@pytest.mark.parametrize(
    ("args", "header"),
    [
        (["index", "build", "egdi"], "unit,score,rank"),
        (
            ["whatif", "tii", "KAZ", "--set", "IT.NET.BBND.P2=30", "--period", "2019"],
            "unit,score_before,score_after,rank_before,rank_after",
        ),
        (
            ["audit", "egdi", "--samples", "20"],
            "iso3,rank,median_rank,q05,q95,mean_rank",
        ),
    ],
)
def test_document_commands_print_their_units_as_csv(
    ingested_home: Path, cli: Cli, args: list[str], header: str
) -> None:
    document = json.loads(cli(*args, "--home", ingested_home, "-f", "json").stdout)
    result = cli(*args, "--home", ingested_home, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == header
    assert len(lines) == 1 + len(document["units"])
    first = document["units"][0]
    assert lines[1].split(",")[0] == str(first.get("unit", first.get("iso3")))


@pytest.mark.skipif(
    "ndjson" not in Format.__members__, reason="the ndjson format comes with cli/output.py"
)
def test_a_document_prints_its_units_as_ndjson(ingested_home: Path, cli: Cli) -> None:
    document = json.loads(
        cli("index", "build", "egdi", "--home", ingested_home, "-f", "json").stdout
    )
    lines = cli("index", "build", "egdi", "--home", ingested_home, "-f", "ndjson").stdout
    assert [json.loads(line) for line in lines.splitlines()] == document["units"]


def test_index_tables_follow_the_language(ingested_home: Path, cli: Cli) -> None:
    built = cli("index", "build", "egdi", "--home", ingested_home, "--lang", "kk").stdout
    assert "Нысан" in built and "Балл" in built
    whatif = cli(
        "whatif", "tii", "KAZ", "--set", "IT.NET.BBND.P2=30", "--period", "2019",
        "--home", ingested_home, "--lang", "ru",
    ).stdout  # fmt: skip
    assert "Что, если (KAZ)" in whatif and "Контрфактический сценарий" in whatif
    assert "место из 193" in whatif
