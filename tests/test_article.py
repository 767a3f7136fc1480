"""The article's claims dataset: validated when loaded, and complete for part 1; on the real
data, which release answers a claim and what the other official series say."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from infosoc import InputError, Observatory
from infosoc.analysis.article import load_claims
from infosoc.analysis.revisions import revisions
from infosoc.store import Store, cite

from .conftest import Cli

CLAIM = """
article = "test"
[[claims]]
id = "a"
section = "s"
text = "t"
text_en = "t"
claimed = 1
unit = "rank"
compute = {{ {compute} }}
"""


def test_shipped_claims_cover_tables_1_2_and_the_growth_paragraph() -> None:
    claims = {c.id for c in load_claims().claims}
    for year in (2008, 2010, 2012, 2014, 2016, 2018, 2020):
        assert f"table1-rank-{year}" in claims
    for part in ("rank", "egdi", "osi", "tii", "hci", "level", "rating-class"):
        assert f"table2-{part}-2020" in claims
    for index in ("egdi", "osi", "hci", "tii"):
        assert f"growth-{index}-2018-2020" in claims


@pytest.mark.parametrize(
    ("compute", "words"),
    [
        ('kind = "value", indicator = "rank", country = "KAZ"', "needs year"),
        ('kind = "guess", year = 2020', "compute.kind"),
        ('kind = "growth_pct", indicator = "egdi", country = "KAZ", to = 2020', "needs from"),
        ('kind = "value", indicator = "speed", country = "KAZ", year = 2020', "compute.indicator"),
    ],
)
def test_a_malformed_claim_is_refused(compute: str, words: str) -> None:
    with pytest.raises(InputError, match=words):
        load_claims(CLAIM.format(compute=compute))


def test_claim_ids_are_unique() -> None:
    one = CLAIM.format(compute='kind = "count", year = 2020')
    twice = one + one.split('article = "test"', 1)[1]
    with pytest.raises(InputError, match="claim ids used twice: a"):
        load_claims(twice)


def test_another_series_must_be_named_in_full() -> None:
    claim = CLAIM.format(compute='kind = "count", year = 2020') + 'also = [{ code = "X" }]\n'
    with pytest.raises(InputError, match=r"claims\.0\.also\.0\.(country|period|label)"):
        load_claims(claim)


# on the real data: which release answers, and the other official series ------------------------
@pytest.fixture(scope="module")
def claims(ingested_home: Path) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in Observatory(home=ingested_home).article()["claims"]}


@pytest.fixture(scope="module")
def store(ingested_home: Path) -> Iterator[Store]:
    with Store(ingested_home / "infosoc.duckdb", read_only=True) as opened:
        yield opened


def _releases(store: Store, code: str, period: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The release of ``code`` for Kazakhstan in ``period`` that answers, and the older ones
    held that give another value."""
    rows = revisions(store, code, "KAZ", start=period, end=period)
    (newest,) = [r for r in rows if r["answers"]]
    older = [r for r in rows if not r["answers"] and abs(r["value"] - newest["value"]) > 1]
    return newest, older


def test_the_82pct_target_is_met_by_both_official_series(
    claims: dict[str, dict[str, Any]], store: Store
) -> None:
    (world_bank,) = store.series("IT.NET.USER.ZS", ["KAZ"], period="2022")
    (bureau,) = store.series("KZ.SDG.17.8.1", ["KAZ"], period="2022")
    claim = claims["target-users-82pct-2022"]
    # verdict and value from the World Bank (the ITU estimate), the Bureau's survey beside it
    assert claim["verdict"] == "confirmed"
    assert claim["computed"] == pytest.approx(world_bank["value"])
    assert claim["source"] == cite(world_bank)
    (also,) = claim["also"]
    assert also["code"] == "KZ.SDG.17.8.1" and also["verdict"] == "confirmed"
    assert also["value"] == pytest.approx(bureau["value"])
    assert "household survey" in also["method"]
    assert "indicator_17-8-1.csv" in also["source"]
    assert f"gives {bureau['value']:.1f} for 2022" in claim["explanation"]
    assert "Bureau of National Statistics" in claim["explanation"]


def test_population_claims_name_the_release_that_answers(
    claims: dict[str, dict[str, Any]], store: Store
) -> None:
    newest, older = _releases(store, "SP.POP.TOTL", "2018")
    assert older, "the store should hold the WDI copy from before the census revision"
    population = claims["table3-population-2018"]
    assert population["verdict"] == "differs"
    assert population["computed"] == pytest.approx(newest["value"])
    assert newest["file_name"] in population["source"]
    assert "2021 census" in population["explanation"]
    text = population["explanation"]
    assert f"{newest['value']:,.0f}, is the newest release's ({newest['source']} " in text
    for row in older:
        assert f"{row['value']:,.0f} ({row['source']} {row['edition']}" in text
    assert [r["answers"] for r in population["revisions"]] == [True] + [False] * len(older)
    # the notes that quote the population give the newest release's value and the older one
    arithmetic = claims["table3-arithmetic"]["explanation"]
    assert f"{newest['value']:,.0f}" in arithmetic and "2021 census" in arithmetic
    assert all(f"{row['value']:,.0f}" in arithmetic for row in older)
    (share,) = store.series("IT.NET.USER.ZS", ["KAZ"], period="2018")
    users = claims["table3-users-2018"]["explanation"]
    assert f"{share['value'] / 100 * newest['value'] / 1e6:.2f} million" in users
    assert all(f"{share['value'] / 100 * r['value'] / 1e6:.2f} million" in users for r in older)


def test_a_value_revised_between_releases_lists_the_older_ones(
    claims: dict[str, dict[str, Any]], store: Store
) -> None:
    chad = claims["users-chad"]
    rows = revisions(store, "IT.NET.USER.ZS", "TCD", start="2019", end="2019")
    (newest,) = [r for r in rows if r["answers"]]
    assert chad["computed"] == pytest.approx(newest["value"])
    assert newest["edition"] in chad["explanation"]
    for row in rows:
        if abs(row["value"] - newest["value"]) > 1e-3:
            assert (
                f"{row['value']:.6g}" in chad["explanation"]
                and row["edition"] in chad["explanation"]
            )
    # a claim whose value no release revised says nothing of releases
    assert claims["users-over-70pct"]["explanation"] is None
    assert claims["users-over-70pct"]["revisions"] == []


# in the reader's language -----------------------------------------------------------------------
KAZAKH_LETTERS = set("әғқңөұүһі")
CYRILLIC = set("абвгдежзийклмнопрстуфхцчшщъыьэюя")


@pytest.fixture(scope="module")
def kazakh(ingested_home: Path) -> dict[str, Any]:
    from typer.testing import CliRunner

    from infosoc.cli import app

    args = ["article", "--home", str(ingested_home), "--lang", "kk", "-f", "json"]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def _letters(text: str) -> set[str]:
    return {c for c in text.lower() if c.isalpha()}


def test_every_claim_that_differs_is_explained_in_kazakh(kazakh: dict[str, Any]) -> None:
    assert set(kazakh) == {"lang", "claims"} and kazakh["lang"] == "kk"
    differs = [c for c in kazakh["claims"] if c["verdict"] == "differs"]
    assert len(differs) >= 10
    explained = [c for c in kazakh["claims"] if c["explanation"] is not None]
    assert {c["id"] for c in differs} <= {c["id"] for c in explained}
    for claim in explained:
        assert _letters(claim["explanation"]) & KAZAKH_LETTERS, claim["id"]
    for claim in kazakh["claims"]:  # a short Kazakh line may have no letter of its own
        assert _letters(claim["summary"]) & CYRILLIC, claim["id"]
    # the quotes stay the article's own Russian words
    assert all(not _letters(c["text"]) & KAZAKH_LETTERS for c in kazakh["claims"])


def test_every_explanation_is_in_russian_with_ru(
    ingested_home: Path, claims: dict[str, dict[str, Any]]
) -> None:
    russian = Observatory(home=ingested_home).article(lang="ru")
    assert [c["id"] for c in russian["claims"]] == list(claims)
    for claim in russian["claims"]:
        english = claims[claim["id"]]
        assert claim["verdict"] == english["verdict"] and claim["computed"] == english["computed"]
        assert (claim["explanation"] is None) == (english["explanation"] is None)
        if claim["explanation"]:
            letters = _letters(claim["explanation"])
            assert letters & CYRILLIC and not letters & KAZAKH_LETTERS, claim["id"]
    hci = next(c for c in russian["claims"] if c["id"] == "growth-hci-2018-2020")
    assert hci["summary"] == "HCI вырос на 5,6% с 2018 по 2020 год"
    assert "опубликованные значения дают +5,70%" in hci["explanation"]


def test_an_unverifiable_claim_says_why(tmp_path: Path, cli: Cli, snapshot: Path) -> None:
    home = tmp_path / "empty"
    cli("ingest", "un-egov", "--from", snapshot, "--home", home)
    claims = json.loads(cli("article", "--home", home, "-f", "json").stdout)["claims"]
    speed = next(c for c in claims if c["id"] == "speed-ookla-rank-2020-04")
    assert speed["verdict"] == "unverifiable"
    assert speed["explanation"] == "The data held give no value to check this claim against."


def test_csv_ndjson_and_table(ingested_home: Path, cli: Cli, kazakh: dict[str, Any]) -> None:
    args = ("article", "--home", ingested_home, "--lang", "kk")
    lines = cli(*args, "-f", "ndjson").stdout.splitlines()
    assert [json.loads(line) for line in lines] == kazakh["claims"]
    rows = list(csv.DictReader(io.StringIO(cli(*args, "-f", "csv").stdout)))
    assert [r["id"] for r in rows] == [c["id"] for c in kazakh["claims"]]
    assert [r["explanation"] for r in rows] == [c["explanation"] or "" for c in kazakh["claims"]]
    table = cli(*args).stdout
    assert "Шолу мақаласының тұжырымдары" in table and "сәйкес емес" in table
