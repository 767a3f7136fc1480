"""The composite-index commands as documents: an index built, a what-if and an audit.

Each returns an :class:`infosoc.Document` (docs/conventions.md) whose rows, under ``units``, are
one per unit of the index. ``index`` is a shipped recipe (``egdi``, ``tii``) or a definition file;
``period`` a data period such as ``"2022"`` (default: the definition's own). An index read from
the store opens it through ``stores``, a callable giving a read-only store as a context manager
(``Observatory`` passes its own); an index read from its own CSV file never opens the store.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..geo.countries import country as find_country
from ..limits import check_count
from ..records import Document
from .definition import find_definition
from .rebuild import Rebuild, rebuild, whatif

if TYPE_CHECKING:
    from ..store import Store
    from .coin import Coin
    from .uncertainty import Assumptions, UncertaintyResult

StoreOpener = Callable[[], AbstractContextManager["Store"]]
"""Opens the store for reading, as a context manager."""

#: The most Monte Carlo replications and Sobol' base samples any machine is asked for: far
#: beyond where rank intervals stop changing, and a bound whatever the memory says.
MAX_SAMPLES = 1_000_000
MAX_SOBOL_SAMPLES = 1 << 20
#: Bytes a replication holds at its peak, per unit (scores, their sort and ranks, and the
#: statistics' histogram cells) and per weight; an estimate erring high.
_BYTES_PER_UNIT = 80
_BYTES_PER_WEIGHT = 24


def check_samples(coin: Coin, samples: int, sobol_samples: int | None = None) -> None:
    """Refuse, before anything runs, a number of replications (or of Sobol' base samples)
    out of range or needing more memory than is available, saying the largest that fits."""
    units = max(1, len(coin.units))
    weights = len(coin.definition.items())
    each = units * _BYTES_PER_UNIT + weights * _BYTES_PER_WEIGHT
    sobol_each = 0
    if sobol_samples is not None:
        # the Saltelli design has n·(D + 2) runs, D at most one factor per weight and 3 steps
        sobol_each = (weights + 5) * each
        check_count(
            sobol_samples, "sobol_samples", least=2, most=MAX_SOBOL_SAMPLES, bytes_each=sobol_each
        )
    fixed = sobol_samples * sobol_each if sobol_samples is not None else 0
    check_count(samples, "samples", least=1, most=MAX_SAMPLES, bytes_each=each, fixed=fixed)


def rebuild_index(index: str, period: str | None, stores: StoreOpener) -> Rebuild:
    """The index built from its data, with the indicators it left out and the comparison with
    the published values (:func:`infosoc.indices.rebuild.rebuild`)."""
    definition = find_definition(index, period)
    if definition.data.file is not None:
        return rebuild(None, definition)
    with stores() as store:
        return rebuild(store, definition)


def index_document(index: str, period: str | None, stores: StoreOpener) -> Document:
    """The index built: kind ``index``, with ``index`` (its name), ``period``, ``units`` (each
    unit's ``unit``, ``score`` and ``rank``, best first), ``missing_indicators``,
    ``screened_out``, ``log`` (every step as it ran) and ``comparison`` (with the published
    values, when the definition names them)."""
    result = rebuild_index(index, period, stores)
    coin = result.coin
    scores, ranks = coin.index(), coin.ranks()
    units = sorted(coin.units, key=lambda u: (ranks[u] is None, ranks[u] or 0, u))
    content = {
        "index": coin.definition.name,
        "period": coin.definition.data.period,
        "units": [{"unit": u, "score": scores[u], "rank": ranks[u]} for u in units],
        "missing_indicators": result.missing,
        "screened_out": coin.screened_out,
        "log": [asdict(entry) for entry in coin.log],
        "comparison": result.comparison,
    }
    return Document("index", content, "units")


def whatif_document(
    index: str,
    country: str,
    changes: dict[str, float],
    period: str | None,
    stores: StoreOpener,
) -> Document:
    """The index rebuilt with one country's raw values changed and every other unit's held:
    kind ``whatif``, with ``index``, ``period``, ``country`` (its ISO3, or the unit of an index
    read from a file), then what :func:`infosoc.indices.rebuild.whatif` returns (``unit``,
    the same as ``country``; ``changed``, ``scores``, ``rank``, ``note``) and ``units``, every
    unit's score and rank before and after."""
    result = rebuild_index(index, period, stores)
    definition = result.coin.definition
    unit = country if definition.data.file is not None else find_country(country).iso3
    content = {
        "index": definition.name,
        "period": definition.data.period,
        "country": unit,
        **whatif(result.coin, unit, changes),
    }
    return Document("whatif", content, "units")


def audit_document(
    index: str,
    period: str | None,
    stores: StoreOpener,
    *,
    samples: int = 1000,
    seed: int = 0,
    sobol_samples: int = 2048,
    assumptions: dict[str, Any] | None = None,
) -> Document:
    """The audit of an index (docs/audit.md): kind ``audit``, with ``index``, ``period``,
    ``units`` (each unit's nominal ``rank``, ``median_rank``, ``q05``, ``q95`` and
    ``mean_rank`` over ``samples`` Monte Carlo replications), ``sensitivity`` (Sobol' indices
    of each assumption, from ``sobol_samples``), ``parameters``, ``availability``,
    ``correlations``, ``pca`` and ``remove_one``.

    ``assumptions`` (``weight_noise``, ``normalisers``, ``aggregators``, ``imputations``)
    override the defaults; one that cannot apply is an InputError before anything runs.
    """
    from . import audit, sensitivity

    coin = rebuild_index(index, period, stores).coin
    check_samples(coin, samples, sobol_samples)
    chosen, result, notes = _uncertainty(coin, samples, seed, assumptions or {})
    sobol = sensitivity.sobol(coin, chosen, n=sobol_samples)
    content = {
        "index": coin.definition.name,
        "period": coin.definition.data.period,
        "units": result.units,
        "sensitivity": sobol.rows,
        "parameters": {**result.parameters, "sobol": sobol.parameters, "notes": notes},
        "availability": audit.availability(coin),
        "correlations": audit.correlations(coin),
        "pca": audit.pca(coin),
        "remove_one": audit.remove_one(coin),
    }
    return Document("audit", content, "units")


def rank_interval(
    index: str,
    country: str,
    period: str | None,
    stores: StoreOpener,
    *,
    samples: int = 1000,
    seed: int = 0,
) -> dict[str, Any]:
    """One country's row of the audit's ``units`` (its nominal rank and its 5-95 % Monte Carlo
    interval under the default assumptions), with ``samples``, ``seed`` and ``notes``."""
    iso3 = find_country(country).iso3
    coin = rebuild_index(index, period, stores).coin
    _, result, notes = _uncertainty(coin, samples, seed, {})
    for unit in result.units:
        if unit["iso3"] == iso3:
            return {**unit, "samples": samples, "seed": seed, "notes": notes}
    raise InputError(f"{iso3} is not among the units of {index}")


def rank_intervals(
    index: str, period: str | None, stores: StoreOpener, *, samples: int = 1000, seed: int = 0
) -> tuple[list[dict[str, Any]], list[str]]:
    """Every unit's row of the audit's ``units`` (nominal rank and 5-95 % Monte Carlo
    interval under the default assumptions) in one run, and the run's notes."""
    coin = rebuild_index(index, period, stores).coin
    _, result, notes = _uncertainty(coin, samples, seed, {})
    return [dict(unit) for unit in result.units], notes


def _uncertainty(
    coin: Coin, samples: int, seed: int, assumptions: dict[str, Any]
) -> tuple[Assumptions, UncertaintyResult, list[str]]:
    """The Monte Carlo analysis under the assumptions given, and notes on what was left out."""
    import numpy as np

    from . import uncertainty

    check_samples(coin, samples)
    chosen = dict(assumptions)
    notes = []
    normalised = coin.datasets["normalised"]
    if "aggregators" not in chosen and bool((normalised[~np.isnan(normalised)] < 0).any()):
        # The default geometric alternative shifts zeros but cannot take values below 0;
        # say so, never skip it silently (a user who lists aggregators gets an error).
        chosen["aggregators"] = [uncertainty.NOMINAL]
        notes.append(
            "the geometric aggregator is left out of the defaults: the index's own "
            "normalisation gives values below 0"
        )
    checked = uncertainty.Assumptions(samples=samples, seed=seed, **chosen)
    checked.validate(coin)
    return checked, uncertainty.run(coin, checked), notes
