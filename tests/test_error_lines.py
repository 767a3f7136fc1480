"""An error line is one line a terminal shows as text: no control sequence from a file or an
argument reaches the terminal, and a huge bad value does not make a huge line; a name given
by the user never becomes a path outside infosoc's folders (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infosoc import Observatory
from infosoc.errors import MESSAGE_LIMIT, InputError, one_line

from .conftest import Cli


@given(st.text())
def test_an_error_line_has_no_control_character_and_a_bounded_length(message: str) -> None:
    line = one_line(message)
    assert all(ch.isprintable() for ch in line)
    assert len(line) <= MESSAGE_LIMIT + len("… (999999999 more characters)")


@given(st.text(alphabet=st.characters(whitelist_categories=("L", "N", "P")), max_size=200))
def test_a_plain_message_is_printed_as_it_is(message: str) -> None:
    assert one_line(message) == " ".join(message.split())


def test_an_escape_sequence_in_an_argument_is_shown_escaped_not_obeyed(cli: Cli) -> None:
    result = cli("egdi", "\x1b]0;pwned\x07Narnia")
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "\\x1b]0;pwned\\x07Narnia" in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_huge_bad_value_gives_a_short_line(cli: Cli) -> None:
    result = cli("egdi", "N" * 50_000)
    assert result.exit_code == 2
    assert len(result.stderr) < MESSAGE_LIMIT + 100
    assert "more characters)" in result.stderr


#: Were the check missing, a download would go here and be refused at once: never the network.
NOWHERE = "http://127.0.0.1:9/EGOV_DATA_{year}.csv"


def test_an_edition_that_would_leave_the_cache_is_refused_before_anything_is_written(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INFOSOC_UN_EGOV_URL", NOWHERE)
    home = tmp_path / "home"
    home.mkdir()
    result = cli(
        "ingest", "un-egov", "--edition", "/../../evil", "--edition", "a/b", "--home", home
    )
    assert result.exit_code == 2
    assert "'/../../evil'" in result.stderr and "'a/b'" in result.stderr
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["home"]
    assert list(home.iterdir()) == []


def test_the_python_api_refuses_the_same_editions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INFOSOC_UN_EGOV_URL", NOWHERE)
    with pytest.raises(InputError, match=r"\.\./x"):
        Observatory(home=tmp_path).ingest("un-egov", editions=["../x"])
    assert list(tmp_path.iterdir()) == []
