"""The index engine refuses a parameter it does not know or cannot use, in one line naming the
file and the field, before anything runs (issue 18, class 7): per-method models in
``infosoc.indices.params``, weights, groups of zero weights, too few units, targets."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infosoc.errors import InputError
from infosoc.indices import steps
from infosoc.indices.coin import build, regen
from infosoc.indices.definition import load_definition
from infosoc.indices.params import PARAMS, REGISTRIES, check
from infosoc.indices.uncertainty import Assumptions, prepare

from .conftest import Cli

DEFINITION = """
name = "t"
[data]
period = "2022"
[[indicators]]
code = "a"
name = "A"
parent = "ROOT"
weight = 1
[[indicators]]
code = "b"
name = "B"
parent = "ROOT"
weight = 1
[[aggregates]]
code = "ROOT"
name = "Root"
[steps]
treat = { method = "none" }
normalise = { method = "minmax" }
"""


def _changed(old: str, new: str) -> str:
    assert old in DEFINITION
    return DEFINITION.replace(old, new, 1)


MINMAX = 'normalise = { method = "minmax" }'
TREAT = 'treat = { method = "none" }'


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (MINMAX, 'normalise = { method = "minmax", low = 0, hi = 100 }',
         "steps.normalise: minmax takes no parameter 'hi' (did you mean 'high'?)"),
        (TREAT, 'treat = { method = "winsorise", uper = 0.90 }',
         "steps.treat: winsorise takes no parameter 'uper' (did you mean 'upper'?)"),
        (TREAT, 'treat = { method = "winsorise", lower = 0.9, upper = 0.1 }',
         "lower (0.9) must be below upper (0.1)"),
        (TREAT, 'treat = { method = "winsorise", lower = -0.1 }', "lower"),
        (TREAT, 'treat = { method = "winsorise", upper = 1.5 }', "upper"),
        (TREAT, 'treat = { method = "cap", cap = nan }', "cap: must be a finite number"),
        (MINMAX, 'normalise = { method = "minmax", low = "0" }', "low: Input should be a valid"),
        (MINMAX, 'normalise = { method = "goalposts", low = 5, high = 5 }', "high (5) must be"),
        (MINMAX, 'normalise = { method = "zscore", scale = 0 }', "scale"),
        (MINMAX, 'normalise = { method = "minmx" }', "unknown method 'minmx' (did you mean"),
        (MINMAX, 'aggregate = { method = "geometric", zero_rule = "zero" }', "zero_rule"),
        (MINMAX, 'aggregate = { method = "power", p = inf }', "p: must be a finite number"),
        (MINMAX, 'screen = { min_coverag = 0.5 }', "screen takes no parameter 'min_coverag'"),
        (MINMAX, 'screen = { min_coverage = 2 }', "min_coverage must be between 0 and 1"),
        ('weight = 1\n[[indicators]]', 'weight = inf\n[[indicators]]',
         "indicators[1] ('a').weight: must be a finite number"),
        ('weight = 1\n[[indicators]]', 'weight = nan\n[[indicators]]', "must be a finite number"),
        ('weight = 1\n[[indicators]]', 'weight = -1\n[[indicators]]', "greater than or equal"),
        ('weight = 1\n[[indicators]]', 'weight = "1"\n[[indicators]]', "weight"),
        ('weight = 1\n[[indicators]]', 'weight = 1e308\n[[indicators]]', "less than or equal"),
        ('parent = "ROOT"\nweight = 1\n[[indicators]]\ncode = "b"\nname = "B"\nparent = "ROOT"\n'
         'weight = 1', 'parent = "ROOT"\nweight = 0\n[[indicators]]\ncode = "b"\nname = "B"\n'
         'parent = "ROOT"\nweight = 0', "every child of 'ROOT' has weight 0"),
        ('name = "B"\nparent = "ROOT"', 'name = "B"\nparent = "ROOT"\nnormalise = { low = 1 }',
         "indicators[2] ('b').normalise: normalise needs a method"),
    ],
)  # fmt: skip
def test_a_bad_parameter_is_one_line_naming_file_and_field(
    tmp_path: Path, old: str, new: str, words: str
) -> None:
    path = tmp_path / "index.toml"
    path.write_text(_changed(old, new), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_definition(path)
    assert words in str(caught.value)
    assert str(caught.value).startswith(f"{path}: ")
    assert "\n" not in str(caught.value)


def test_every_method_has_a_model_that_matches_its_function() -> None:
    """A method added to a registry without its parameter model (or the reverse) fails here."""
    for step, registry in REGISTRIES.items():
        assert set(registry) == set(PARAMS[step]), step
        for method, function in registry.items():
            signature = inspect.signature(function).parameters.values()
            taken = {
                p.name
                for p in signature
                if p.kind is p.POSITIONAL_OR_KEYWORD and p.name not in {"x", "w"}
            } - {"groups", "previous"}  # given by the engine, not by a definition
            fields = set(PARAMS[step][method].model_fields)
            # a function passing **kwargs on (power to geometric) takes its callee's too
            passes_on = any(p.kind is p.VAR_KEYWORD and p.name != "_" for p in signature)
            assert taken <= fields if passes_on else taken == fields, (step, method)


values = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.floats(),
    st.sampled_from(["", "1", "error", "shift", "floor"]),
)  # fmt: skip
METHODS = [(step, method) for step in sorted(PARAMS) for method in sorted(PARAMS[step])]
names = st.sampled_from(
    ["low", "high", "hi", "lower", "upper", "uper", "cap", "shift", "p", "zero_rule", "ddof",
     "centre", "scale", "target", "x"]
)  # fmt: skip


@settings(deadline=None)  # the first call of rank and percentile imports scipy
@given(st.sampled_from(METHODS), st.dictionaries(names, values, max_size=3))
def test_any_parameters_are_a_model_or_one_clean_error(
    chosen: tuple[str, str], params: dict[str, Any]
) -> None:
    step, method = chosen
    try:
        checked = check(step, method, params)
    except ValueError as exc:
        assert "\n" not in str(exc) and str(exc)
        return
    for value in checked.model_dump().values():
        assert not isinstance(value, float) or np.isfinite(value)
    x = np.array([[1.0, 2.0], [2.0, 5.0], [3.0, 4.0]])
    if step in ("treat", "normalise"):
        REGISTRIES[step][method](x, **params)  # valid parameters run without a TypeError


def test_a_single_unit_is_refused_where_a_step_needs_two() -> None:
    definition = load_definition(text=DEFINITION)
    with pytest.raises(InputError, match=r"normalise 'minmax' needs at least 2 units .* has 1"):
        build(definition, np.array([[1.0, 2.0]]), ["KAZ"])
    none = load_definition(text=DEFINITION.replace(MINMAX, 'normalise = { method = "none" }'))
    assert build(none, np.array([[1.0, 2.0]]), ["KAZ"]).index() == {"KAZ": 1.5}


def test_no_unit_left_after_screening_is_refused() -> None:
    definition = load_definition(
        text=DEFINITION.replace("[steps]", "[steps]\nscreen = { min_coverage = 1 }")
    )
    with pytest.raises(InputError, match=r"no unit is left .* \(2 screened out"):
        build(definition, np.array([[1.0, np.nan], [np.nan, 2.0]]), ["A", "B"])


def test_regen_with_a_misspelt_parameter_is_an_input_error() -> None:
    coin = build(load_definition(text=DEFINITION), np.array([[1.0, 2.0], [3.0, 1.0]]), ["A", "B"])
    with pytest.raises(InputError, match=r"treat: .*'uper' \(did you mean 'upper'\?\)"):
        regen(coin, "treat", method="winsorise", uper=0.9)


def test_an_audit_alternative_with_a_bad_parameter_is_refused() -> None:
    coin = build(load_definition(text=DEFINITION), np.array([[1.0, 2.0], [3.0, 1.0]]), ["A", "B"])
    for spec, words in (
        ("minmax:hi=2", "normaliser 'minmax:hi=2': minmax takes no parameter 'hi'"),
        ("zscore:scale=nan", "scale: must be a finite number"),
        ("minmax:low=abc", "low: Input should be a valid number"),
    ):
        with pytest.raises(InputError, match=words.replace("(", r"\(")):
            prepare(coin, Assumptions(normalisers=[spec], samples=10))


def test_the_cli_prints_one_line_for_a_bad_step_parameter(cli: Cli, tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text("unit,a,b\nU1,1,2\nU2,3,1\n", encoding="utf-8")
    path = tmp_path / "index.toml"
    path.write_text(
        _changed("[data]\n", '[data]\nfile = "data.csv"\n').replace(
            MINMAX, 'normalise = { method = "minmax", low = 0, hi = 100 }'
        ),
        encoding="utf-8",
    )
    result = cli("index", "build", path, "--home", tmp_path / "home")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert f"{path}: steps.normalise: minmax takes no parameter 'hi'" in result.stderr
    assert not (tmp_path / "home").exists() or not any((tmp_path / "home").iterdir())


def test_steps_are_unchanged_for_valid_parameters() -> None:
    """The models only check: the maths of a step given valid parameters is as before."""
    x = np.array([[1.0], [2.0], [4.0]])
    check("normalise", "minmax", {"low": 1, "high": 100})
    assert np.allclose(steps.n_minmax(x, low=1, high=100)[:, 0], [1, 34, 100])


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", '"90"', "true", "abc"])
def test_a_target_value_that_is_not_a_finite_number_is_refused(tmp_path: Path, value: str) -> None:
    from infosoc.analysis.targets.registry import load_registry

    shipped = Path(__file__).parents[1] / "src/infosoc/analysis/targets"
    text = (shipped / "kaz_accessible_internet.yaml").read_text(encoding="utf-8")
    assert "target: {value: 90," in text
    path = tmp_path / "targets.yaml"
    path.write_text(text.replace("target: {value: 90,", f"target: {{value: {value},", 1))
    with pytest.raises(InputError) as caught:
        load_registry(path)
    message = str(caught.value)
    assert "targets.yaml" in message and "target.value" in message and "number" in message
