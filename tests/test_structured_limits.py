"""JSON and YAML with limits (infosoc.structured, decision 0027): any bytes give a value or one
clean InputError, never a RecursionError, a MemoryError or a command that never ends."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infosoc.errors import InputError
from infosoc.structured import (
    MAX_DEPTH,
    load_json,
    load_yaml,
    read_bytes,
    regular_file,
)

# A 1 KB document that stands for 10**9 values once its aliases are expanded.
BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n"
    for i in range(8)
)


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# --- JSON --------------------------------------------------------------------------------------


def test_json_as_deep_as_allowed_is_read() -> None:
    assert load_json(_nested(MAX_DEPTH), file="f.json") == json.loads(_nested(MAX_DEPTH))


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5_000, 200_000])
def test_json_nested_too_deep_is_one_clean_line(depth: int) -> None:
    with pytest.raises(InputError, match=f"f.json: is nested deeper than {MAX_DEPTH} levels"):
        load_json(_nested(depth), file="f.json")


def test_brackets_inside_strings_are_not_nesting() -> None:
    text = json.dumps({"a": "]" * 500 + "[" * 500, "b": ['[\\"]']})
    assert load_json(text, file="f.json") == json.loads(text)
    # Strings cannot hide nesting either: "]" between the brackets changes nothing.
    hidden = '["]",' * (MAX_DEPTH + 1) + "1" + "]" * (MAX_DEPTH + 1)
    with pytest.raises(InputError, match="nested deeper"):
        load_json(hidden, file="f.json")


def test_json_size_limit_is_named() -> None:
    with pytest.raises(InputError, match="more than the 1 KiB read"):
        load_json(b"[" + b"1," * 1000 + b"1]", file="f.json", max_bytes=1024)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\xff\xfe[]", "is not UTF-8 text"),
        (b'{"a": [1,', "is not valid JSON"),
        (b"[" + b"9" * 5000 + b"]", "is not usable JSON"),
    ],
)
def test_bad_json_is_named(data: bytes, words: str) -> None:
    with pytest.raises(InputError, match=words) as caught:
        load_json(data, file="f.json")
    assert caught.value.file == "f.json"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_are_json_or_one_clean_error(data: bytes) -> None:
    try:
        load_json(data, file="f.json")
    except InputError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='[]{}"\\:,1a ', max_size=300))
def test_any_bracket_soup_is_json_or_one_clean_error(text: str) -> None:
    try:
        load_json(text, file="f.json")
    except InputError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 3 * MAX_DEPTH), st.booleans())
def test_depth_is_refused_exactly_beyond_the_limit(depth: int, objects: bool) -> None:
    text = '{"k":' * depth + "0" + "}" * depth if objects else _nested(depth)
    if depth <= MAX_DEPTH:
        assert load_json(text, file="f.json") == json.loads(text)
    else:
        with pytest.raises(InputError, match="nested deeper"):
            load_json(text, file="f.json")


# --- YAML --------------------------------------------------------------------------------------


def test_an_alias_bomb_is_refused_before_it_expands() -> None:
    assert len(BILLION_LAUGHS) < 1024
    with pytest.raises(InputError, match="expands to more than 1,000,000 values") as caught:
        load_yaml(BILLION_LAUGHS, file="bomb.yaml")
    assert caught.value.file == "bomb.yaml" and len(str(caught.value)) < 200


def test_modest_aliases_are_read() -> None:
    text = "base: &b {x: 1, y: [1, 2]}\none: *b\ntwo:\n  <<: *b\n  z: 3\n"
    assert load_yaml(text, file="f.yaml") == {
        "base": {"x": 1, "y": [1, 2]},
        "one": {"x": 1, "y": [1, 2]},
        "two": {"x": 1, "y": [1, 2], "z": 3},
    }


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a: &a [*a]\n", "contains itself through an alias"),
        (_nested(MAX_DEPTH + 1), "nested deeper than"),
        ("a:\n" + "".join(" " * i + "a:\n" for i in range(1, 100)), "nested deeper than"),
        ("a: &a [[[[[[[[[[1]]]]]]]]]]\n" + "b: " + "[" * 60 + "*a" + "]" * 60, "nested deeper"),
        ("a: " + "9" * 5000, "cannot be read"),
        ("a: 2020-13-45", "cannot be read"),
        ("a: !!python/object:os.system x", "is not valid YAML"),
        ("a: [", "is not valid YAML"),
        ("a: 1\n---\nb: 2\n", "is not valid YAML"),
    ],
)
def test_bad_yaml_is_one_clean_line(text: str, words: str) -> None:
    with pytest.raises(InputError, match=words) as caught:
        load_yaml(text, file="f.yaml")
    assert caught.value.file == "f.yaml" and "\n" not in str(caught.value)


def test_yaml_size_limit_is_named() -> None:
    with pytest.raises(InputError, match="more than the 1 KiB read"):
        load_yaml("a: " + "x" * 2000, file="f.yaml", max_bytes=1024)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_yaml_or_one_clean_error(text: str) -> None:
    try:
        load_yaml(text, file="f.yaml")
    except InputError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="&*ab[]{}:-, \n", max_size=200))
def test_any_anchor_soup_is_yaml_or_one_clean_error(text: str) -> None:
    try:
        load_yaml(text, file="f.yaml")
    except InputError as exc:
        assert "\n" not in str(exc)


# --- whole files -------------------------------------------------------------------------------


def test_devices_fifos_and_folders_are_refused_unopened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)  # nobody writes to it: opening it would block for ever
    for path, words in (
        (fifo, "is a FIFO"),
        (Path("/dev/zero"), "is a device"),
        (tmp_path, "is a folder"),
        (tmp_path / "missing.json", "no such file"),
    ):
        with pytest.raises(InputError, match=words):
            read_bytes(path, max_bytes=1024)


def test_a_file_over_the_limit_is_refused_by_its_size(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as handle:  # sparse: 4 GiB claimed, nothing written
        handle.truncate(4 << 30)
    with pytest.raises(InputError, match="is 4 GiB, more than the 1 GiB"):
        read_bytes(big, max_bytes=1 << 30)
    (tmp_path / "small.json").write_bytes(b"[]")
    assert regular_file(tmp_path / "small.json", max_bytes=1024) == 2


def test_cli_targets_file_alias_bomb_is_exit_2_one_line(cli, tmp_path: Path) -> None:
    bomb = tmp_path / "targets.yaml"
    bomb.write_text(BILLION_LAUGHS)
    result = cli("targets", "KAZ", "--file", bomb, "--home", tmp_path)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "targets.yaml" in lines[0] and "expands to more" in lines[0]


def test_cli_swot_rules_nested_too_deep_is_exit_2_one_line(cli, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules: " + _nested(10_000))
    result = cli("swot", "KAZ", "--rules", rules, "--home", tmp_path)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "rules.yaml" in lines[0], result.stderr
    assert "nested deeper than" in lines[0] or "nesting depth" in lines[0]
