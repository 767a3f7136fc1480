"""A composite index declared in a TOML file, validated with pydantic before anything runs."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import InputError
from ..limits import check_period
from ..structured import read_bytes
from .params import PARAMS, check, check_spec, describe

#: A weight: a finite number from 0 to a million (a string, true, inf or NaN is refused; a
#: larger weight would make the sum of weights overflow into no score at all).
Weight = Field(1.0, ge=0, le=1e6, allow_inf_nan=False, strict=True)


class Indicator(BaseModel):
    """One indicator: its code in the store, meaning, direction, weight and parent."""

    model_config = ConfigDict(extra="forbid")

    code: str
    name: str
    parent: str
    direction: Literal[1, -1] = 1
    weight: float = Weight
    unit: str = ""
    source: str = ""
    treat: dict[str, Any] | None = None
    normalise: dict[str, Any] | None = None

    @field_validator("treat", "normalise")
    @classmethod
    def _override(cls, spec: dict[str, Any] | None, info: Any) -> dict[str, Any] | None:
        if spec is not None:
            check_spec(info.field_name, spec)
        return spec


class Aggregate(BaseModel):
    """A node of the hierarchy: the weighted aggregate of its children."""

    model_config = ConfigDict(extra="forbid")

    code: str
    name: str
    parent: str | None = None
    weight: float = Weight
    aggregate: dict[str, Any] | None = None
    rescale: Literal["none", "minmax"] = "none"

    @field_validator("aggregate")
    @classmethod
    def _override(cls, spec: dict[str, Any] | None) -> dict[str, Any] | None:
        if spec is not None:
            check_spec("aggregate", spec)
        return spec


class Step(BaseModel):
    """A step's method and its parameters."""

    model_config = ConfigDict(extra="allow")

    method: str = "none"

    def params(self) -> dict[str, Any]:
        return {k: v for k, v in (self.model_extra or {}).items()}


class Steps(BaseModel):
    """The method of each step, in the order they run."""

    model_config = ConfigDict(extra="forbid")

    screen: dict[str, Annotated[float, Field(strict=True)]] = Field(
        default_factory=lambda: {"min_coverage": 0.0}
    )
    impute: Step = Field(default_factory=Step)
    treat: Step = Field(default_factory=Step)
    normalise: Step = Field(default_factory=Step)
    aggregate: Step = Field(default_factory=lambda: Step(method="arithmetic"))

    @field_validator("screen")
    @classmethod
    def _screen(cls, screen: dict[str, float]) -> dict[str, float]:
        for name, value in screen.items():
            if name != "min_coverage":
                raise ValueError(f"screen takes no parameter '{name}'; it takes min_coverage")
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"min_coverage must be between 0 and 1, not {value:g}")
        return screen

    @field_validator(*PARAMS)
    @classmethod
    def _known_method(cls, chosen: Step, info: Any) -> Step:
        check(info.field_name, chosen.method, chosen.params())
        return chosen


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
            children = self.children(node)
            if not children:
                raise ValueError(f"aggregate '{node}' has no children")
            if all(child.weight == 0 for child in children):
                raise ValueError(
                    f"every child of '{node}' has weight 0, so it has no score: give one a "
                    "weight above 0"
                )
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


#: The largest index definition read: a definition is a page of TOML.
DEFINITION_MAX_BYTES = 16 << 20


def load_definition(path: Path | str | None = None, text: str | None = None) -> IndexDefinition:
    """Read and validate an index definition; any fault is an InputError naming the field."""
    name = str(path) if path is not None else "<definition>"
    if text is None:
        assert path is not None
        # a device or FIFO named like a definition is refused by its status, never read
        data_bytes = read_bytes(Path(path), max_bytes=DEFINITION_MAX_BYTES, file=name)
        try:
            text = data_bytes.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError("is not UTF-8 text", file=name) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"is not valid TOML ({exc})", file=name) from exc
    definition = validated(data, name)
    if definition.data.file is not None and path is not None:
        resolved = (Path(path).parent / definition.data.file).resolve()
        definition = definition.model_copy(
            update={"data": definition.data.model_copy(update={"file": str(resolved)})}
        )
    return definition


def validated(data: Any, name: str = "<definition>") -> IndexDefinition:
    """``data`` (a parsed definition) as an :class:`IndexDefinition`; any fault is an
    InputError naming ``name`` and the field."""
    try:
        return IndexDefinition.model_validate(data)
    except ValidationError as exc:
        raise InputError(describe(exc, data), file=name) from exc


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
    """The same index for another data period (and the matching published edition); a
    period that is not one such as 2022, 2020-Q1 or 2020-04 is an InputError."""
    check_period(period, "period")
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
