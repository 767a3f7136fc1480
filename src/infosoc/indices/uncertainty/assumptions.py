"""The assumptions of an uncertainty analysis: what a replication may change, how many
replications run, and the seed of their draws."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...errors import InputError
from ..coin import Coin
from .plan import NOMINAL, prepare


def _default_normalisers() -> list[str]:
    return [NOMINAL, "minmax", "zscore:centre=10:scale=2"]


def _default_aggregators() -> list[str]:
    return [NOMINAL, "geometric:zero_rule=shift"]


@dataclass(frozen=True)
class Assumptions:
    """What a Monte Carlo replication may change, how many replications, and the seed.

    ``weight_noise``: every weight is multiplied by U[1 - noise, 1 + noise], independently per
    weight and replication. ``normalisers``, ``aggregators`` and ``imputations``: the
    alternatives drawn with equal probability: exactly those listed (``nominal`` is the coin's
    own choice; duplicates count once), or the nominal choice alone for an empty list. Imputation
    alternatives apply only to data with missing cells. The default normalisers keep the
    published scale, stretch each indicator to [0, 1] and equalise dispersions (z-scores with
    mean 10 and standard deviation 2, so that a geometric mean applies); the default
    aggregators are the nominal one and a geometric mean that adds 0.01 before taking logs
    (min-max normalisation gives the lowest unit a 0).
    """

    weight_noise: float = 0.25
    normalisers: list[str] = field(default_factory=_default_normalisers)
    aggregators: list[str] = field(default_factory=_default_aggregators)
    imputations: list[str] = field(default_factory=list)
    samples: int = 1000
    seed: int = 0

    def __post_init__(self) -> None:
        self.check_values()

    def check_values(self) -> None:
        """Raise :class:`InputError` for a number out of range or a list that is not of names.

        The constructor checks; :func:`prepare` checks again, as the lists can change after.
        """
        if not 0.0 <= self.weight_noise < 1.0:
            raise InputError(f"weight_noise must be in [0, 1), not {self.weight_noise}")
        if self.samples < 1:
            raise InputError(f"samples must be at least 1, not {self.samples}")
        if self.seed < 0:
            raise InputError(f"seed must be 0 or more, not {self.seed}")
        for name in ("normalisers", "aggregators", "imputations"):
            value = getattr(self, name)
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise InputError(f"{name} must be a list of method names")

    def validate(self, coin: Coin) -> None:
        """Raise :class:`InputError` (one line) for any alternative that cannot apply to ``coin``.

        Unknown methods, imputation on data without a missing cell, a step every indicator or
        aggregate overrides, and every combination of alternatives that fails on the data with
        the nominal weights (each is tried once) are all refused before anything runs.
        """
        prepare(coin, self)

    def to_dict(self) -> dict[str, Any]:
        """The assumptions as given, as plain JSON values."""
        return {
            "weight_noise": self.weight_noise,
            "normalisers": list(self.normalisers),
            "aggregators": list(self.aggregators),
            "imputations": list(self.imputations),
            "samples": self.samples,
            "seed": self.seed,
        }
