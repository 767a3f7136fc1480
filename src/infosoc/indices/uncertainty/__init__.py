"""Monte Carlo uncertainty analysis of a composite index (OECD/JRC Handbook, step 7).

Each replication draws a set of assumptions: every weight multiplied by U[1 - noise, 1 + noise],
and one normaliser, one aggregator and one imputation from their alternatives. The index is
rebuilt under each draw, and every unit gets its nominal rank, its median and mean rank and the
5th and 95th percentiles of its ranks (docs/audit.md).

- :mod:`.assumptions`: what may change (:class:`Assumptions`);
- :mod:`.plan`: the alternatives resolved and checked against the coin before anything runs
  (:func:`prepare`); an alternative that cannot apply is an
  :class:`~infosoc.errors.InputError`, never skipped;
- :mod:`.model`: index scores of many replications at once (:func:`evaluate`);
- :mod:`.run`: the draws, the ranks and their statistics (:func:`run`, and :func:`run_naive`,
  which rebuilds the coin once per replication and gives the same ranks).
"""

from __future__ import annotations

from .assumptions import Assumptions
from .model import evaluate
from .plan import (
    NOMINAL,
    Choice,
    Plan,
    Ranks,
    nominal_ranks,
    parse_choice,
    prepare,
    rebuild_with,
    variant,
)
from .run import (
    QUANTILE_METHOD,
    Draws,
    Ranking,
    UncertaintyResult,
    describe,
    draw,
    rank_scores,
    rank_statistics,
    run,
    run_naive,
)

__all__ = [
    "NOMINAL",
    "QUANTILE_METHOD",
    "Assumptions",
    "Choice",
    "Draws",
    "Plan",
    "Ranking",
    "Ranks",
    "UncertaintyResult",
    "describe",
    "draw",
    "evaluate",
    "nominal_ranks",
    "parse_choice",
    "prepare",
    "rank_scores",
    "rank_statistics",
    "rebuild_with",
    "run",
    "run_naive",
    "variant",
]
