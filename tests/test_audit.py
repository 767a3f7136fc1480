"""The audit of a composite index: availability, correlations, alpha, PCA, remove-one, Monte
Carlo uncertainty (vectorised and naive) and Sobol' sensitivity, on the real EGDI 2022 and on
small hand-made indices."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from infosoc import settings as infosoc_settings
from infosoc.errors import InputError
from infosoc.indices import audit, data, sensitivity, uncertainty
from infosoc.indices.coin import Coin, build
from infosoc.indices.definition import IndexDefinition, recipe
from infosoc.indices.steps import n_zscore
from infosoc.ranks import competition_ranks, competition_ranks_by_row
from infosoc.store import Store

MEMBER_STATES = 193


@pytest.fixture(scope="module")
def egdi(ingested_home: Path) -> Coin:
    definition = recipe("egdi", "2022")
    store = Store(infosoc_settings.store_path(ingested_home), read_only=True)
    try:
        raw, units, missing = data.load(store, definition)
    finally:
        store.close()
    assert missing == []
    return build(definition, raw, units)


@pytest.fixture(scope="module")
def egdi_2000(egdi: Coin) -> uncertainty.UncertaintyResult:
    return uncertainty.run(egdi, uncertainty.Assumptions(samples=2000, seed=1))


def _definition(steps: dict[str, Any], *, rescale: str = "none") -> IndexDefinition:
    """Four indicators in two pillars (P: a, b; Q: c, d) under one index."""
    return IndexDefinition.model_validate(
        {
            "name": "hand-made",
            "data": {"period": "2000", "units": "countries"},
            "indicators": [
                {"code": "a", "name": "A", "parent": "P"},
                {"code": "b", "name": "B", "parent": "P", "weight": 2.0},
                {"code": "c", "name": "C", "parent": "Q", "direction": -1},
                {"code": "d", "name": "D", "parent": "Q"},
            ],
            "aggregates": [
                {"code": "P", "name": "Pillar P", "parent": "I", "rescale": rescale},
                {"code": "Q", "name": "Pillar Q", "parent": "I", "weight": 0.5},
                {"code": "I", "name": "Index"},
            ],
            "steps": steps,
        }
    )


def _hand_made(
    units: int = 30, missing: int = 0, seed: int = 7, rescale: str = "none", **steps: Any
) -> Coin:
    rng = np.random.default_rng(seed)
    raw = rng.uniform(1.0, 100.0, size=(units, 4)).round(1)
    cells = rng.choice(units * 4, size=missing, replace=False)
    raw.ravel()[cells] = np.nan
    spec = {
        "screen": {"min_coverage": 0.5},
        "impute": {"method": "none"},
        "normalise": {"method": "minmax"},
        "aggregate": {"method": "arithmetic"},
        **steps,
    }
    names = [f"U{i:02d}" for i in range(units)]
    return build(_definition(spec, rescale=rescale), raw, names)


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value, allow_nan=False))


# Monte Carlo uncertainty on the real EGDI 2022 -------------------------------------------------
def test_every_member_state_has_its_nominal_rank_inside_q05_q95(
    egdi_2000: uncertainty.UncertaintyResult,
) -> None:
    units = egdi_2000.units
    assert len(units) == MEMBER_STATES
    assert len({u["iso3"] for u in units}) == MEMBER_STATES
    assert [u["rank"] for u in units] == sorted(u["rank"] for u in units)
    for u in units:
        assert u["q05"] <= u["rank"] <= u["q95"], u
        assert u["q05"] <= u["median_rank"] <= u["q95"], u
        assert u["q05"] >= 1 and u["q95"] <= MEMBER_STATES
        assert float(u["q05"]).is_integer() and float(u["q95"]).is_integer()
    assert _json(egdi_2000.to_dict())["units"] == units


def test_uncertainty_parameters_name_every_choice(egdi_2000: uncertainty.UncertaintyResult) -> None:
    p = _json(egdi_2000.parameters)
    assert (p["samples"], p["seed"], p["units"], p["period"]) == (2000, 1, MEMBER_STATES, "2022")
    assert p["nominal"] == {
        "imputation": "none",
        "normaliser": "none",
        "aggregator": "arithmetic",
        "weights": {"egov.osi": 1.0, "egov.tii": 1.0, "egov.hci": 1.0},
    }
    assert p["alternatives"] == {
        "normaliser": ["none", "minmax", "zscore:centre=10:scale=2"],
        "aggregator": ["arithmetic", "geometric:zero_rule=shift"],
        "imputation": ["none"],
    }
    assert p["versions"]["numpy"] == np.__version__ and p["versions"]["SALib"]
    assert "inverted_cdf" in p["quantiles"]


def test_runs_return_every_replication(egdi_2000: uncertainty.UncertaintyResult) -> None:
    runs = egdi_2000.runs()
    assert len(runs) == 2000
    assert [r["run"] for r in runs] == list(range(2000))
    for r in runs:
        assert set(r) == {"run", "weights", "normaliser", "aggregator", "imputation"}
        assert set(r["weights"]) == {"egov.osi", "egov.tii", "egov.hci"}
        assert all(0.75 <= w <= 1.25 for w in r["weights"].values())
    assert {r["normaliser"] for r in runs} == {"none", "minmax", "zscore:centre=10:scale=2"}
    assert {r["aggregator"] for r in runs} == {"arithmetic", "geometric:zero_rule=shift"}
    _json(runs[:10])


def test_same_seed_same_results_other_seed_other_results(
    egdi: Coin, egdi_2000: uncertainty.UncertaintyResult
) -> None:
    again = uncertainty.run(egdi, uncertainty.Assumptions(samples=2000, seed=1))
    assert again.units == egdi_2000.units
    assert again.runs() == egdi_2000.runs()
    assert np.array_equal(again.ranks, egdi_2000.ranks)
    other = uncertainty.run(egdi, uncertainty.Assumptions(samples=2000, seed=2))
    assert other.runs() != egdi_2000.runs()
    assert other.units != egdi_2000.units


def test_vectorised_and_naive_agree_exactly_on_egdi(egdi: Coin) -> None:
    chosen = uncertainty.Assumptions(samples=120, seed=5)
    fast = uncertainty.run(egdi, chosen)
    slow = uncertainty.run_naive(egdi, chosen)
    assert np.array_equal(fast.ranks, slow.ranks)
    assert fast.units == slow.units
    assert fast.runs() == slow.runs()
    assert fast.parameters["method"] != slow.parameters["method"]


def test_the_ranks_of_each_run_are_those_of_a_rebuilt_coin(egdi: Coin) -> None:
    result = uncertainty.run(egdi, uncertainty.Assumptions(samples=6, seed=9))
    for run, ranks in zip(result.runs(), result.ranks, strict=True):
        plan = uncertainty.prepare(egdi, uncertainty.Assumptions())
        choice = {
            name: next(c for c in plan.choices[name] if c.label == run[name])
            for name in ("imputation", "normaliser", "aggregator")
        }
        rebuilt = build(
            uncertainty.variant(
                egdi.definition,
                weights=run["weights"],
                impute=choice["imputation"],
                normalise=choice["normaliser"],
                aggregate=choice["aggregator"],
            ),
            egdi.raw,
            egdi.input_units,
        )
        assert rebuilt.ranks() == dict(zip(egdi.units, ranks.tolist(), strict=True))


@pytest.mark.parametrize("rescale", ["none", "minmax"])
def test_vectorised_and_naive_agree_with_missing_data_and_every_path(rescale: str) -> None:
    coin = _hand_made(units=40, missing=25, rescale=rescale)
    assert np.isnan(coin.datasets["screened"]).any()
    chosen = uncertainty.Assumptions(
        weight_noise=0.4,
        normalisers=["nominal", "zscore:centre=10:scale=2", "rank"],
        aggregators=["nominal", "geometric:zero_rule=shift", "harmonic:zero_rule=shift"],
        imputations=["nominal", "mean", "median"],
        samples=90,
        seed=11,
    )
    fast = uncertainty.run(coin, chosen)
    slow = uncertainty.run_naive(coin, chosen)
    assert np.array_equal(fast.ranks, slow.ranks)
    assert fast.units == slow.units
    assert fast.parameters["alternatives"]["imputation"] == ["none", "mean", "median"]
    assert {r["imputation"] for r in fast.runs()} == {"none", "mean", "median"}


# every assumption checked before anything runs ----------------------------------------------
def test_validate_accepts_the_defaults(egdi: Coin) -> None:
    uncertainty.Assumptions().validate(egdi)


def test_validate_rejects_imputation_on_complete_data(egdi: Coin) -> None:
    with pytest.raises(InputError, match="no missing cell") as caught:
        uncertainty.Assumptions(imputations=["mean"]).validate(egdi)
    assert "\n" not in str(caught.value)


def test_validate_rejects_an_unknown_normaliser(egdi: Coin) -> None:
    with pytest.raises(InputError, match=r"unknown normaliser 'bogus'.*known: none, minmax"):
        uncertainty.Assumptions(normalisers=["nominal", "bogus"]).validate(egdi)


def test_validate_rejects_a_geometric_mean_without_zero_rule_on_zeros(egdi: Coin) -> None:
    assert (egdi.datasets["normalised"] == 0).any()
    with pytest.raises(InputError) as caught:
        uncertainty.Assumptions(aggregators=["nominal", "geometric"]).validate(egdi)
    message = str(caught.value)
    assert "aggregator 'geometric' cannot apply" in message
    assert "'geometric:zero_rule=shift'" in message and "\n" not in message
    with pytest.raises(InputError, match="geometric:zero_rule=shift"):
        uncertainty.run(egdi, uncertainty.Assumptions(aggregators=["geometric"], samples=5))


def test_validate_rejects_a_shift_too_small_for_negative_values(egdi: Coin) -> None:
    with pytest.raises(InputError, match=r"needs values above -0\.01.*lowest is -"):
        uncertainty.Assumptions(
            normalisers=["nominal", "zscore"], aggregators=["nominal", "geometric:zero_rule=shift"]
        ).validate(egdi)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"normalisers": ["minmax:low"]}, "write parameters as method:name=value"),
        ({"aggregators": ["median"]}, "unknown aggregator 'median'"),
        ({"imputations": ["guess"]}, "unknown imputation 'guess'"),
    ],
)
def test_validate_rejects_malformed_alternatives(
    egdi: Coin, kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(InputError, match=match):
        uncertainty.Assumptions(**kwargs).validate(egdi)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"weight_noise": 1.0}, "weight_noise"), ({"samples": 0}, "samples"), ({"seed": -1}, "seed")],
)
def test_out_of_range_numbers_are_refused(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(InputError, match=match):
        uncertainty.Assumptions(**kwargs)


def test_alternatives_are_exactly_those_listed(egdi: Coin) -> None:
    plan = uncertainty.prepare(
        egdi, uncertainty.Assumptions(normalisers=["minmax", "minmax"], imputations=["nominal"])
    )
    assert [c.label for c in plan.choices["normaliser"]] == ["minmax"]
    assert [c.label for c in plan.choices["imputation"]] == ["none"]
    plan = uncertainty.prepare(egdi, uncertainty.Assumptions(normalisers=[], aggregators=[]))
    assert [c.label for c in plan.choices["normaliser"]] == ["none"]
    assert [c.label for c in plan.choices["aggregator"]] == ["arithmetic"]


def test_an_imputation_that_cannot_run_is_refused() -> None:
    coin = _hand_made(missing=10)
    with pytest.raises(InputError, match=r"imputation 'last'.*earlier values"):
        uncertainty.Assumptions(imputations=["last"]).validate(coin)


# Sobol' sensitivity --------------------------------------------------------------------------
def test_sobol_on_egdi_has_one_row_per_assumption(egdi: Coin) -> None:
    result = sensitivity.sobol(egdi, uncertainty.Assumptions(seed=1))
    names = ["weight:egov.osi", "weight:egov.tii", "weight:egov.hci", "normaliser", "aggregator"]
    assert [r["assumption"] for r in result.rows] == names
    assert result.runs >= 10_000
    assert result.runs == result.parameters["n"] * (len(names) + 2)
    for row in result.rows:
        assert -0.1 <= row["S1"] <= 1.1 and 0.0 <= row["ST"] <= 1.5, row
        assert row["S1"] <= row["ST"] + row["S1_conf"] + row["ST_conf"], row
        assert 0 <= row["S1_conf"] < 0.2 and 0 <= row["ST_conf"] < 0.2, row
    assert sum(r["ST"] for r in result.rows) >= 0.9  # total indices cover the variance
    p = _json(result.parameters)
    assert p["fixed"] == ["imputation"] and p["runs"] == result.runs
    assert p["levels"]["aggregator"] == ["arithmetic", "geometric:zero_rule=shift"]
    again = sensitivity.sobol(egdi, uncertainty.Assumptions(seed=1))
    assert again.rows == result.rows
    runs = result.run_parameters()
    assert len(runs) == result.runs and set(runs[0]) == {"run", *names, "mean_abs_rank_shift"}
    _json(runs[:5])


def test_sobol_refuses_what_cannot_run(egdi: Coin) -> None:
    with pytest.raises(InputError, match="power of 2"):
        sensitivity.sobol(egdi, uncertainty.Assumptions(), n=1000)
    with pytest.raises(InputError, match="nothing varies"):
        sensitivity.sobol(
            egdi, uncertainty.Assumptions(weight_noise=0, normalisers=[], aggregators=[]), n=64
        )
    with pytest.raises(InputError, match="no missing cell"):
        sensitivity.sobol(egdi, uncertainty.Assumptions(imputations=["mean"]), n=64)


def test_sobol_includes_imputation_when_given() -> None:
    coin = _hand_made(units=40, missing=20)
    result = sensitivity.sobol(
        coin, uncertainty.Assumptions(imputations=["nominal", "mean", "median"], seed=3), n=256
    )
    assert [r["assumption"] for r in result.rows] == [
        "weight:P",
        "weight:Q",
        "normaliser",
        "aggregator",
        "imputation",
    ]
    assert result.runs == 256 * 7


# availability, correlations, alpha, PCA, remove-one ------------------------------------------
def test_audit_of_egdi_is_json_and_complete(egdi: Coin) -> None:
    avail = _json(audit.availability(egdi))
    assert (avail["units"], avail["missing_cells"], avail["fraction"]) == (MEMBER_STATES, 0, 1.0)
    corr = _json(audit.correlations(egdi))
    assert corr["codes"] == ["egov.osi", "egov.tii", "egov.hci"]
    assert [corr["indicators"][i][i] for i in range(3)] == [1.0, 1.0, 1.0]
    assert all(0.5 < r < 1 for r in corr["with_index"].values())
    assert 0.8 < corr["cronbach"]["EGDI"] < 1
    pca = _json(audit.pca(egdi))
    assert pca["units"] == MEMBER_STATES and sum(pca["explained_variance_ratio"]) == pytest.approx(
        1
    )
    assert pca["explained_variance_ratio"][0] > 0.7
    rows = _json(audit.remove_one(egdi))
    assert [r["component"] for r in rows] == ["egov.osi", "egov.tii", "egov.hci"]
    for r in rows:
        assert r["units"] == MEMBER_STATES
        assert 0 < r["mean_abs_shift"] <= r["max_abs_shift"]
        assert 0.9 < r["spearman"] <= 1


def test_availability_counts_missing_cells() -> None:
    coin = _hand_made(units=10, missing=6, seed=1)
    result = _json(audit.availability(coin))
    assert result["missing_cells"] == 6 and result["cells"] == 40
    assert sum(r["missing"] for r in result["by_indicator"]) == 6
    assert sum(4 - r["available"] for r in result["incomplete_units"]) == 6
    assert all(r["fraction"] < 1 for r in result["incomplete_units"])


def _alpha(matrix: np.ndarray[Any, Any]) -> float:
    cov = np.cov(matrix, rowvar=False)
    k = matrix.shape[1]
    return float(k / (k - 1) * (1 - np.trace(cov) / cov.sum()))


def test_cronbach_and_pca_match_numpy_on_a_hand_made_index() -> None:
    coin = _hand_made(units=25, normalise={"method": "none"})
    x = coin.raw * np.array([1, 1, -1, 1])
    corr = audit.correlations(coin)
    assert corr["cronbach"]["P"] == pytest.approx(_alpha(x[:, :2]))
    assert corr["cronbach"]["Q"] == pytest.approx(_alpha(x[:, 2:]))
    pillars = np.stack([coin.scores["P"], coin.scores["Q"]], axis=1)
    assert corr["cronbach"]["I"] == pytest.approx(_alpha(pillars))
    assert corr["indicators"][0][1] == pytest.approx(np.corrcoef(x[:, 0], x[:, 1])[0, 1])
    assert corr["with_index"]["c"] == pytest.approx(np.corrcoef(x[:, 2], coin.scores["I"])[0, 1])

    result = audit.pca(coin)
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    _, singular, vt = np.linalg.svd(z, full_matrices=False)
    eigenvalues = singular**2 / (len(x) - 1)
    assert result["eigenvalues"] == pytest.approx(eigenvalues)
    assert result["explained_variance_ratio"] == pytest.approx(eigenvalues / eigenvalues.sum())
    first = vt[0] if vt[0].sum() >= 0 else -vt[0]
    assert list(result["eigenvector"].values()) == pytest.approx(first)
    assert list(result["loadings"].values()) == pytest.approx(first * math.sqrt(eigenvalues[0]))
    assert audit.pca(coin, "P")["codes"] == ["a", "b"]


def test_remove_one_gives_one_row_per_top_level_component() -> None:
    coin = _hand_made(units=20)
    rows = audit.remove_one(coin)
    assert [(r["component"], r["weight"]) for r in rows] == [("P", 1.0), ("Q", 0.5)]
    nominal = coin.ranks()
    only_q = build(
        uncertainty.variant(coin.definition, weights={"P": 0.0}), coin.raw, coin.input_units
    ).ranks()
    shifts = [abs(nominal[u] - only_q[u]) for u in coin.units]  # type: ignore[operator]
    assert rows[0]["mean_abs_shift"] == pytest.approx(np.mean(shifts))
    assert rows[0]["max_abs_shift"] == max(shifts)


# the maths, by property ----------------------------------------------------------------------
scores = arrays(
    np.float64,
    st.tuples(st.integers(1, 6), st.integers(1, 12)),
    elements=st.sampled_from([0.0, -0.0, 0.25, 0.5, 1.0, 3.0, np.nan]),
)


@given(scores)
def test_vectorised_ranks_are_competition_ranks_of_each_row(matrix: np.ndarray[Any, Any]) -> None:
    ranks = competition_ranks_by_row(matrix)
    for row, ranked in zip(matrix, ranks, strict=True):
        expected = competition_ranks(dict(enumerate(row.tolist())))
        assert ranked.tolist() == [expected[i] or 0 for i in range(len(row))]
        present = sorted(r for r in ranked.tolist() if r)
        # a permutation with ties: the k-th smallest rank is k unless it ties the one before
        for k, r in enumerate(present, start=1):
            assert r == k or r == present[k - 2]


@given(scores, st.permutations(range(12)))
def test_a_hint_never_changes_the_ranks(matrix: np.ndarray[Any, Any], perm: list[int]) -> None:
    hint = np.array([p for p in perm if p < matrix.shape[1]], dtype=np.intp)
    assert np.array_equal(
        uncertainty.rank_scores(matrix, hint).matrix(), competition_ranks_by_row(matrix)
    )


@st.composite
def rank_matrices(draw: st.DrawFn) -> np.ndarray[Any, Any]:
    """Ranks of replications × units: each between 1 and the number of units."""
    units = draw(st.integers(1, 6))
    reps = draw(st.integers(1, 40))
    return draw(arrays(np.int32, (reps, units), elements=st.integers(1, units)))


@settings(max_examples=60)
@given(rank_matrices())
def test_rank_statistics_match_numpy(ranks: np.ndarray[Any, Any]) -> None:
    stats = uncertainty.rank_statistics(uncertainty.Ranking.of_matrix(ranks))
    for p, key in ((5, "q05"), (95, "q95")):
        expected = np.percentile(ranks, p, axis=0, method="inverted_cdf")
        assert stats[key].tolist() == expected.tolist()
    assert stats["median"] == pytest.approx(np.median(ranks, axis=0))
    assert stats["mean"] == pytest.approx(ranks.mean(axis=0))


def test_rank_statistics_leave_out_replications_without_a_rank() -> None:
    ranks = np.array([[1, 0], [2, 0], [1, 0], [2, 1]], dtype=np.int32)
    stats = uncertainty.rank_statistics(uncertainty.Ranking.of_matrix(ranks))
    assert stats["observed"].tolist() == [4, 1]
    assert stats["median"].tolist() == [1.5, 1.0]
    assert stats["q95"].tolist() == [2.0, 1.0]
    none = uncertainty.rank_statistics(uncertainty.Ranking.of_matrix(np.zeros((3, 2), np.int32)))
    assert np.isnan(none["median"]).all() and np.isnan(none["q05"]).all()


@given(
    arrays(np.float64, st.tuples(st.integers(2, 30), st.just(1)), elements=st.floats(-5, 5)),
    st.integers(2, 6),
)
def test_alpha_of_identical_columns_is_one(column: np.ndarray[Any, Any], k: int) -> None:
    assume(np.ptp(column) > 1e-6)
    alpha = audit.cronbach_alpha(np.repeat(column, k, axis=1))
    assert alpha == pytest.approx(1.0)


@given(
    arrays(np.float64, st.tuples(st.integers(2, 20), st.integers(1, 3)), elements=st.floats(0, 1))
)
def test_zscore_centre_and_scale(x: np.ndarray[Any, Any]) -> None:
    plain = n_zscore(x)
    assert np.array_equal(n_zscore(x, centre=0.0, scale=1.0), plain, equal_nan=True)
    assert np.allclose(n_zscore(x, centre=10, scale=2), 10 + 2 * plain, equal_nan=True)
