"""The values a programme target is judged by, each with its provenance.

Two kinds of evidence, never mixed up:

- **statistics**: an official series held in the store (its total, or one breakdown such as
  ``urbanisation=rural``), each value cited by its file and release; or a value a registry
  copies from a statistics table;
- **reported**: a value from an official statement as the press reported it, cited by the
  statement's words, date and address. It is not a statistical series and is labelled as such
  wherever it is used (docs/targets.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from ...errors import NotFoundError
from ...store import Store, cite
from ..connectivity import indicator_meta
from ..growth import period_in_years
from .registry import Target, last_day

Evidence = Literal["statistics", "reported"]
EVIDENCE: tuple[Evidence, ...] = ("statistics", "reported")


@dataclass(frozen=True)
class Value:
    """One value of a target's measure: its period, where it came from and of what kind.

    ``known_from`` is the date of the statement behind a reported value: before that day
    nobody could know it, whatever its period."""

    period: str
    time: float
    value: float
    source: dict[str, Any]
    evidence: Evidence = "statistics"
    reported: dict[str, str] | None = None
    note: str | None = None
    known_from: date | None = None

    def as_dict(self) -> dict[str, Any]:
        """The value as the targets result shows it."""
        return {
            "period": self.period,
            "value": self.value,
            "evidence": self.evidence,
            "source": self.source,
            "reported": self.reported,
            "note": self.note,
        }


@dataclass(frozen=True)
class Conflict:
    """Several values the newest release gives for one period of a breakdown: none is used."""

    period: str
    values: tuple[float, ...]
    files: tuple[str, ...]


@dataclass
class SeriesValues:
    """An official series for one country (its total or one breakdown), with what the store
    says about the indicator (label, method, unit) and the periods left out as conflicting."""

    indicator: str
    breakdown: str | None
    label: str | None = None
    method: str | None = None
    unit: str | None = None
    values: list[Value] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def read_series(store: Store, code: str, breakdown: str | None, entity: str) -> SeriesValues:
    """The store's values of ``code`` for ``entity``: the total (the newest release answers,
    as in :meth:`Store.series`), or the values of exactly ``breakdown``. A breakdown's period
    for which the newest release gives several different values is left out, as a
    :class:`Conflict`. Missing values are left out too: missing is never zero."""
    try:
        meta = indicator_meta(store, code)
    except NotFoundError:  # not held: no values, and nothing to say about the indicator
        return SeriesValues(code, breakdown)
    found = SeriesValues(code, breakdown, meta.get("label"), meta.get("method"), meta.get("unit"))
    if breakdown is None:
        for row in store.series(code, [entity]):
            if row["value"] is not None:
                found.values.append(_statistic(row, row["retrieved"]))
        return found
    retrieved = _retrieved(store)
    cells: dict[str, list[dict[str, Any]]] = {}
    for row in store.breakdowns(code, entity):
        if row["breakdown"] == breakdown:
            cells.setdefault(row["period"], []).append(row)
    for period in sorted(cells):
        rows = cells[period]
        newest = max(str(r["released"] or "") for r in rows)
        current = [r for r in rows if str(r["released"] or "") == newest]
        published = sorted({r["value"] for r in current if r["value"] is not None})
        if len(published) > 1:
            files = tuple(sorted({r["file_name"] for r in current}))
            found.conflicts.append(Conflict(period, tuple(published), files))
        elif published:
            row = next(r for r in current if r["value"] == published[0])
            found.values.append(_statistic(row, retrieved.get((row["source"], row["edition"]))))
    return found


def _retrieved(store: Store) -> dict[tuple[str, str], str]:
    """The retrieval date of each current file, by (source, edition)."""
    out: dict[tuple[str, str], str] = {}
    for row in store.sources():
        when = row["retrieved_at"]
        if row["current"] and isinstance(when, datetime):
            out[(row["source"], row["edition"])] = when.astimezone(UTC).date().isoformat()
    return out


def _statistic(row: dict[str, Any], retrieved: str | None) -> Value:
    """A store row as a value of official statistics, cited by its file and release."""
    source = {
        "source": row["source"],
        "file_name": row["file_name"],
        "retrieved": retrieved,
        "citation": cite({**row, "retrieved": retrieved}),
    }
    period = row["period"]
    return Value(period, period_in_years(period), float(row["value"]), source, note=row["note"])


def registry_values(target: Target, file_name: str) -> list[Value]:
    """The values a registry gives for a target: statistics, or reported in a statement."""
    out = []
    for obs in target.observed:
        retrieved = obs.retrieved.isoformat() if obs.retrieved else None
        source: dict[str, Any] = {
            "source": obs.source,
            "file_name": file_name,
            "retrieved": retrieved,
            "citation": f"{obs.source} (as given in {file_name})",
        }
        if obs.reported is None:
            out.append(
                Value(obs.period, period_in_years(obs.period), obs.value, source, note=obs.note)
            )
            continue
        said = obs.reported
        source["citation"] = f'{obs.source}, {said.date}: "{said.statement}" ({said.url})'
        reported = {"statement": said.statement, "date": said.date, "url": said.url}
        out.append(
            Value(
                obs.period,
                period_in_years(obs.period),
                obs.value,
                source,
                "reported",
                reported,
                obs.note,
                said.known_from,
            )
        )
    return out


def merge(store_values: list[Value], own: list[Value], end: Any) -> list[Value]:
    """The store's values with the registry's filling the periods the store lacks, in time
    order (``end`` gives a period's last day, for periods starting together)."""
    found = {v.period: v for v in store_values}
    for value in own:
        found.setdefault(value.period, value)
    return sorted(found.values(), key=lambda v: (v.time, end(v.period)))


def statements(target: Target, as_of: date) -> list[dict[str, Any]]:
    """The official statements about a target that give no value to judge it by, made by
    ``as_of`` (the end of their month or year when only those are known), oldest first."""
    made = [s for s in target.statements if last_day(s.date) <= as_of]
    return [s.model_dump() for s in sorted(made, key=lambda s: s.date)]
