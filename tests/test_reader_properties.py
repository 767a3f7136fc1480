"""Every reader in the registry, given any bytes or a real file with one cell changed, gives
either a parsed file whose every value passes its source's plausibility rules, or one
InputError: never any other exception (issue 18)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infosoc.errors import InputError
from infosoc.snapshot import snapshot_dir
from infosoc.sources import REGISTRY, read_mirror
from infosoc.sources.base import RawFile
from infosoc.sources.plausible import Plausibility, checked

#: Rows kept of a real file, so that each example stays quick.
KEEP_ROWS = 40
SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _sample(name: str) -> RawFile:
    """The smallest snapshot file of a source that holds values (the first few rows of it)."""
    module = REGISTRY[name]
    raws = sorted(read_mirror(module, snapshot_dir()), key=lambda r: len(r.data))
    for raw in raws:
        parsed = module.parse(raw)
        if parsed.observations or parsed.attributes:
            lines = raw.data.splitlines(keepends=True)[: KEEP_ROWS + 1]
            return replace(raw, data=b"".join(lines))
    raise AssertionError(f"{name}: no snapshot file with values")


SAMPLES = {name: _sample(name) for name in REGISTRY}


def _read(name: str, raw: RawFile) -> None:
    """What ingestion does with a file: parse, then check; InputError is the only refusal."""
    try:
        parsed = checked(name, REGISTRY[name].parse(raw))
    except InputError as exc:
        assert str(exc) and exc.file
        return
    rules = Plausibility.from_meta(REGISTRY[name].META)
    for o in parsed.observations:
        rules.year(o.period, file=raw.path.name)
        if o.value is None:
            continue
        bound = rules.rule(o.indicator)
        assert bound is not None, o
        if not bound.admits(o.value):
            assert rules.exception(o.indicator, o.entity, o.period, o.value, o.breakdown), o


def _cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _with_cell(data: bytes, row: int, column: int, text: str) -> bytes:
    rows = _cells(data)
    fields = rows[row % len(rows)]
    fields[column % len(fields)] = text
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


CELLS = st.one_of(
    st.text(max_size=12),
    st.floats().map(repr),
    st.integers(min_value=-(10**15), max_value=10**15).map(str),
    st.sampled_from(
        ["-5", "150", "1e12", "9999", "0", "-0", "2_8", "٢٨", "0000", "2099", "Feb-99", "..", " "]
    ),
)


@pytest.mark.parametrize("name", list(REGISTRY))
@SETTINGS
@given(data=st.binary(max_size=400))
def test_any_bytes_are_a_plausible_file_or_one_input_error(name: str, data: bytes) -> None:
    _read(name, replace(SAMPLES[name], data=data))


@pytest.mark.parametrize("name", list(REGISTRY))
@SETTINGS
@given(row=st.integers(0, KEEP_ROWS), column=st.integers(0, 20), text=CELLS)
def test_a_real_file_with_one_cell_changed(name: str, row: int, column: int, text: str) -> None:
    sample = SAMPLES[name]
    _read(name, replace(sample, data=_with_cell(sample.data, row, column, text)))


@pytest.mark.slow
@pytest.mark.parametrize("name", list(REGISTRY))
@settings(max_examples=300, deadline=None)
@given(row=st.integers(0, KEEP_ROWS), column=st.integers(0, 20), text=CELLS)
def test_a_real_file_with_one_cell_changed_at_length(
    name: str, row: int, column: int, text: str
) -> None:
    sample = SAMPLES[name]
    _read(name, replace(sample, data=_with_cell(sample.data, row, column, text)))


def test_the_samples_are_real_files() -> None:
    """Each property starts from a file its reader accepts as it is."""
    for name, sample in SAMPLES.items():
        parsed = checked(name, REGISTRY[name].parse(sample))
        assert parsed.observations or parsed.attributes, name
        assert isinstance(sample.path, Path)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@SETTINGS
@given(
    key=st.sampled_from(["value", "date", "countryiso3code", "indicator", "country", "obs_status"]),
    value=JSON_VALUES,
)
def test_a_world_bank_api_answer_with_one_field_changed(key: str, value: object) -> None:
    record = {
        "indicator": {"id": "IT.NET.USER.ZS", "value": "Individuals using the Internet"},
        "country": {"id": "KZ", "value": "Kazakhstan"},
        "countryiso3code": "KAZ",
        "date": "2020",
        "value": 85.9,
        "obs_status": "",
    }
    record[key] = value
    answer = [{"page": 1, "pages": 1, "per_page": 50, "total": 1}, [record]]
    raw = replace(
        SAMPLES["worldbank"], path=Path("IT.NET.USER.ZS.json"), data=json.dumps(answer).encode()
    )
    _read("worldbank", raw)
