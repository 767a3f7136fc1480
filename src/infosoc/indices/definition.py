"""A composite index declared in a TOML file, validated with pydantic before anything runs."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import InputError
from .steps import AGGREGATORS, IMPUTERS, NORMALISERS, TREATMENTS


class Indicator(BaseModel):
    """One indicator: its code in the store, meaning, direction, weight and parent."""

    model_config = ConfigDict(extra="forbid")

    code: str
    name: str
    parent: str
    direction: Literal[1, -1] = 1
    weight: float = Field(1.0, ge=0)
    unit: str = ""
    source: str = ""
    treat: dict[str, Any] | None = None
    normalise: dict[str, Any] | None = None


class Aggregate(BaseModel):
    """A node of the hierarchy: the weighted aggregate of its children."""

    model_config = ConfigDict(extra="forbid")

    code: str
    name: str
    parent: str | None = None
    weight: float = Field(1.0, ge=0)
    aggregate: dict[str, Any] | None = None
    rescale: Literal["none", "minmax"] = "none"


class Step(BaseModel):
    """A step's method and its parameters."""

    model_config = ConfigDict(extra="allow")

    method: str = "none"

    def params(self) -> dict[str, Any]:
        return {k: v for k, v in (self.model_extra or {}).items()}


class Steps(BaseModel):
    """The method of each step, in the order they run."""

    model_config = ConfigDict(extra="forbid")

    screen: dict[str, float] = Field(default_factory=lambda: {"min_coverage": 0.0})
    impute: Step = Field(default_factory=Step)
    treat: Step = Field(default_factory=Step)
    normalise: Step = Field(default_factory=Step)
    aggregate: Step = Field(default_factory=lambda: Step(method="arithmetic"))

    @model_validator(mode="after")
    def _known_methods(self) -> Steps:
        for step, registry in (
            ("impute", IMPUTERS),
            ("treat", TREATMENTS),
            ("normalise", NORMALISERS),
            ("aggregate", AGGREGATORS),
        ):
            method = getattr(self, step).method
            if method not in registry:
                raise ValueError(f"{step}: unknown method '{method}'; known: {', '.join(registry)}")
        return self


class Data(BaseModel):
    """Where the index reads its indicators from."""

    model_config = ConfigDict(extra="forbid")

    period: str
    units: Literal["members", "countries"] | list[str] = "members"
    #: A CSV file (``unit`` plus one column per indicator code) read instead of the store, for
    #: units the store does not hold, such as a country's regions; relative to the definition.
    file: str | None = None


class Published(BaseModel):
    """The published values this index reproduces, to compare a rebuild with."""

    model_config = ConfigDict(extra="forbid")

    code: str
    period: str
    #: How many periods after the data the publication comes (TII 2020 uses data of 2019).
    lag: int = 0


class IndexDefinition(BaseModel):
    """A whole index: data, indicators, hierarchy and steps."""

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    data: Data
    indicators: list[Indicator]
    aggregates: list[Aggregate]
    steps: Steps = Field(default_factory=Steps)
    published: Published | None = None

    @model_validator(mode="after")
    def _hierarchy(self) -> IndexDefinition:
        nodes = {a.code for a in self.aggregates}
        roots = [a.code for a in self.aggregates if a.parent is None]
        if len(roots) != 1:
            raise ValueError(f"exactly one aggregate must have no parent (found {len(roots)})")
        codes = [i.code for i in self.indicators] + [a.code for a in self.aggregates]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ValueError(f"codes used twice: {', '.join(twice)}")
        for item in self.items():
            if item.parent is not None and item.parent not in nodes:
                raise ValueError(f"'{item.code}' has an unknown parent '{item.parent}'")
        for node in nodes:
            if not self.children(node):
                raise ValueError(f"aggregate '{node}' has no children")
        return self

    def items(self) -> list[Indicator | Aggregate]:
        """Every node of the hierarchy: indicators first, then aggregates."""
        return [*self.indicators, *self.aggregates]

    def children(self, code: str) -> list[Indicator | Aggregate]:
        """The nodes whose parent is ``code``, in definition order."""
        return [item for item in self.items() if item.parent == code]

    @property
    def root(self) -> str:
        return next(a.code for a in self.aggregates if a.parent is None)


def load_definition(path: Path | str | None = None, text: str | None = None) -> IndexDefinition:
    """Read and validate an index definition; any fault is an InputError naming the field."""
    name = str(path) if path is not None else "<definition>"
    if text is None:
        assert path is not None
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot be read ({exc.strerror})", file=name) from exc
    try:
        definition = IndexDefinition.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"is not valid TOML ({exc})", file=name) from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "definition"
        raise InputError(f"{where}: {first['msg']}", file=name) from exc
    if definition.data.file is not None and path is not None:
        resolved = (Path(path).parent / definition.data.file).resolve()
        definition = definition.model_copy(
            update={"data": definition.data.model_copy(update={"file": str(resolved)})}
        )
    return definition


def recipe(name: str, period: str | None = None) -> IndexDefinition:
    """A definition shipped with infosoc (``egdi``, ...), for ``period`` if given."""
    from importlib import resources

    folder = resources.files("infosoc.indices").joinpath("recipes")
    known = sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )
    if name not in known:
        raise InputError(f"unknown index '{name}'; shipped recipes: {', '.join(known)}")
    definition = load_definition(name, folder.joinpath(f"{name}.toml").read_text(encoding="utf-8"))
    return with_period(definition, period) if period is not None else definition


def with_period(definition: IndexDefinition, period: str) -> IndexDefinition:
    """The same index for another data period (and the matching published edition)."""
    update: dict[str, Any] = {"data": definition.data.model_copy(update={"period": str(period)})}
    if definition.published is not None:
        edition = str(int(period) + definition.published.lag) if period.isdigit() else period
        update["published"] = definition.published.model_copy(update={"period": edition})
    return definition.model_copy(update=update)


def find_definition(index: str, period: str | None = None) -> IndexDefinition:
    """The definition ``index`` names: a shipped recipe (``egdi``, ``tii``) or a definition
    file (a path, or a name ending in ``.toml``), for ``period`` if given (else its own)."""
    if index.endswith(".toml") or Path(index).is_file():
        definition = load_definition(index)
        return with_period(definition, period) if period is not None else definition
    return recipe(index, period)
