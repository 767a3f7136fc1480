"""A resource-hungry argument is checked against a hard bound and the memory available before
any work, in one line saying how much it needs and the largest value that fits (issue 18,
class 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from infosoc import Observatory, limits
from infosoc.errors import InputError
from infosoc.indices.documents import MAX_SAMPLES

from .conftest import Cli


def test_a_count_beyond_memory_names_what_it_needs_and_the_largest_that_fits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limits, "available_memory", lambda: 1 << 30)  # 1 GiB
    assert limits.check_count(1000, "n", least=1, most=10**9, bytes_each=1 << 10) == 1000
    with pytest.raises(InputError) as caught:
        limits.check_count(10**6, "n", least=1, most=10**9, bytes_each=1 << 10)
    message = str(caught.value)
    assert "needs about 976.6 MiB" in message and "1.0 GiB is available" in message
    assert "the largest n that fits is 524288" in message  # half of 1 GiB, 1 KiB each


def test_bounds_hold_whatever_the_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "available_memory", lambda: None)  # the system does not say
    assert limits.check_count(5, "n", least=1, most=10, bytes_each=1 << 40) == 5
    for value, words in ((0, "at least 1"), (11, "at most 10"), (True, "whole number")):
        with pytest.raises(InputError, match=words):
            limits.check_count(value, "n", least=1, most=10, bytes_each=1)


def test_available_memory_is_a_positive_number_here() -> None:
    available = limits.available_memory()
    assert available is None or available > 0


def test_audit_with_a_billion_samples_is_one_line_before_any_work(cli: Cli, tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = cli("audit", "egdi", "--samples", "1000000000", "--home", home)
    assert result.exit_code == 2
    assert result.stderr == f"error: --samples must be at most {MAX_SAMPLES}, not 1000000000\n"
    assert not home.exists()  # refused before the store was even built


def test_the_api_checks_samples_against_memory(
    ingested_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "available_memory", lambda: 1 << 30)  # 1 GiB
    observatory = Observatory(home=ingested_home)
    with pytest.raises(InputError, match=r"samples 500000 needs about .* the largest samples"):
        observatory.audit("egdi", samples=500_000)
    with pytest.raises(InputError, match=f"samples must be at most {MAX_SAMPLES}"):
        observatory.rank_intervals("egdi", samples=MAX_SAMPLES + 1)
    with pytest.raises(InputError, match="sobol_samples must be at most"):
        observatory.audit("egdi", samples=10, sobol_samples=1 << 40)
