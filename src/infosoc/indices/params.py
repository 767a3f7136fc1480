"""The parameters each method of each step takes, as pydantic models checked before anything runs.

Every method of :mod:`.steps` has a model here (``PARAMS[step][method]``): its fields are the
parameters the method takes, with their types and ranges; an unknown parameter, a wrong type, a
number that is not finite or a pair that makes no sense (winsorise ``lower`` above ``upper``) is
refused in one line that names the parameter. A new method plugs in by adding its function to
its registry in :mod:`.steps` and its model here; ``tests/test_index_params.py`` checks the two
agree. ``min_units`` says how many units a method needs to mean anything (a min-max over one unit
divides by zero).
"""

from __future__ import annotations

import difflib
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .steps import AGGREGATORS, IMPUTERS, NORMALISERS, TREATMENTS


class Params(BaseModel):
    """The parameters of one method: none, unless a subclass declares them."""

    # strict: a string is not a number, nor true a 1; finite: inf and NaN are refused
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)

    #: Units a method needs to give a meaningful result (1: any number).
    min_units: ClassVar[int] = 1
    #: Why it needs them, for the error line.
    why: ClassVar[str] = ""


class Bounds(Params):
    """A lower and an upper value, the upper above the lower."""

    low: float = 0.0
    high: float = 1.0

    @model_validator(mode="after")
    def _ordered(self) -> Bounds:
        if self.high <= self.low:
            raise ValueError(f"high ({self.high:g}) must be above low ({self.low:g})")
        return self


class MinMax(Bounds):
    min_units: ClassVar[int] = 2
    why: ClassVar[str] = "min-max rescaling divides by the spread between units"


class Goalposts(Bounds):
    high: float = 100.0


class ZScore(Params):
    min_units: ClassVar[int] = 2
    why: ClassVar[str] = "z-scores divide by the spread between units"

    ddof: int = Field(0, ge=0)
    centre: float = 0.0
    scale: float = Field(1.0, gt=0)


class Spread(Params):
    """A method with no parameter that compares units with each other."""

    min_units: ClassVar[int] = 2
    why: ClassVar[str] = "it places each unit among the others"


class Target(Params):
    min_units: ClassVar[int] = 2
    why: ClassVar[str] = "the distance to the target starts from the lowest unit"

    target: float = 100.0


class Mean(Params):
    """A geometric or harmonic mean: what happens to values of 0 or below."""

    zero_rule: Literal["error", "shift", "floor"] = "error"
    shift: float = Field(0.01, gt=0)


class Power(Mean):
    p: float = 2.0


class Winsorise(Params):
    min_units: ClassVar[int] = 2
    why: ClassVar[str] = "its quantiles are taken over the units"

    lower: float = Field(0.05, ge=0, le=1)
    upper: float = Field(0.95, ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> Winsorise:
        if self.lower >= self.upper:
            raise ValueError(f"lower ({self.lower:g}) must be below upper ({self.upper:g})")
        return self


class Cap(Params):
    cap: float = 120.0


class Log(Params):
    shift: float = 1.0


PARAMS: dict[str, dict[str, type[Params]]] = {
    "impute": {"none": Params, "mean": Params, "median": Params, "last": Params},
    "treat": {"none": Params, "winsorise": Winsorise, "cap": Cap, "log": Log},
    "normalise": {
        "none": Params,
        "minmax": MinMax,
        "zscore": ZScore,
        "rank": Spread,
        "percentile": Spread,
        "goalposts": Goalposts,
        "target": Target,
        "frontier": Params,
    },
    "aggregate": {"arithmetic": Params, "geometric": Mean, "harmonic": Mean, "power": Power},
}

REGISTRIES: dict[str, dict[str, Any]] = {
    "impute": IMPUTERS,
    "treat": TREATMENTS,
    "normalise": NORMALISERS,
    "aggregate": AGGREGATORS,
}


def _hint(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def model_of(step: str, method: Any) -> type[Params]:
    """The parameter model of ``method`` in ``step``; ValueError naming the known methods."""
    methods = PARAMS[step]
    if not isinstance(method, str) or method not in methods:
        shown = f"'{method}'" if isinstance(method, str) else repr(method)
        hint = _hint(method, list(methods)) if isinstance(method, str) else ""
        raise ValueError(f"unknown method {shown}{hint}; known: {', '.join(methods)}")
    return methods[method]


def check(step: str, method: Any, params: dict[str, Any]) -> Params:
    """The parameters of ``method`` in ``step`` checked; ValueError, one line, naming the first
    fault: an unknown method or parameter (with the closest known name), a wrong type or range.
    """
    model = model_of(step, method)
    known = list(model.model_fields)
    for name in params:
        if name not in model.model_fields:
            takes = f"it takes {', '.join(known)}" if known else "it takes none"
            raise ValueError(
                f"{method} takes no parameter '{name}'{_hint(str(name), known)}; {takes}"
            )
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        raise ValueError(f"{method}: {describe(exc)}") from None


def check_spec(step: str, spec: Any) -> Params:
    """A per-indicator or per-aggregate override written ``{ method = "...", ... }``."""
    if not isinstance(spec, dict):
        raise ValueError(f'write {step} as {{ method = "...", ... }}, not {spec!r}')
    if "method" not in spec:
        raise ValueError(f"{step} needs a method; known: {', '.join(PARAMS[step])}")
    return check(step, spec["method"], {k: v for k, v in spec.items() if k != "method"})


def describe(exc: ValidationError, data: Any = None) -> str:
    """The first fault of a pydantic error as ``field: what is wrong``; with the ``data``
    validated, an item of a list is named by its position (from 1) and its code."""
    first = exc.errors()[0]
    where = ""
    node = data
    for key in first["loc"]:
        if isinstance(key, int):
            node = node[key] if isinstance(node, list) and 0 <= key < len(node) else None
            code = node.get("code") if isinstance(node, dict) else None
            where += f"[{key + 1}]" + (f" ({code!r})" if isinstance(code, str) else "")
        else:
            node = node.get(key) if isinstance(node, dict) else None
            where += f".{key}" if where else str(key)
    message = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "finite_number":
        message = "must be a finite number"
    return f"{where}: {message}" if where else message
