"""The evidence-based SWOT: rules, evidence, the article's twenty items, rules files, the CLI."""

from __future__ import annotations

import csv
import io
import json
import statistics
from pathlib import Path
from typing import Any

import duckdb
import pytest

from infosoc import InputError, Observatory
from infosoc.analysis.connectivity import income_groups
from infosoc.analysis.swot import KINDS, VERDICTS, load_article, load_rules, number, swot, unfilled
from infosoc.store import Store

from .conftest import Cli


@pytest.fixture(scope="module")
def languages(ingested_home: Path) -> dict[str, dict[str, Any]]:
    """Kazakhstan's SWOT in each language."""
    obs = Observatory(home=ingested_home)
    return {lang: obs.swot("KAZ", lang=lang) for lang in ("en", "ru", "kk")}


@pytest.fixture(scope="module")
def kaz(languages: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return languages["en"]


def _item(result: dict[str, Any], rule: str) -> dict[str, Any]:
    found = [i for i in result["items"] if i["rule"] == rule]
    assert found, f"no item from {rule}: {[i['rule'] for i in result['items']]}"
    return found[0]


def _peer_values(home: Path, code: str, period: str) -> tuple[float, list[float]]:
    """Kazakhstan's value and its upper-middle-income peers' values, straight from DuckDB:
    one value per country, from the newest release (the World Bank's before OWID's on a
    tie), aggregates left out; income groups as the World Bank classifies them."""
    with Store(home / "infosoc.duckdb", read_only=True) as store:
        groups = income_groups(store)
    peers = sorted(k for k, g in groups.items() if g["value"] == "upper middle income")
    con = duckdb.connect(str(home / "infosoc.duckdb"), read_only=True)
    try:
        rows = con.execute(
            f"""
            SELECT o.entity, o.value FROM current_observations o
            JOIN sources s USING (source_id)
            WHERE o.indicator = ? AND o.period = ? AND o.value IS NOT NULL
              AND o.breakdown IS NULL AND o.entity IN ({", ".join("?" for _ in peers)})
            QUALIFY row_number() OVER (PARTITION BY o.entity
                ORDER BY s.released DESC,
                         CASE s.source WHEN 'worldbank' THEN 0 WHEN 'owid' THEN 1 ELSE 2 END) = 1
            """,
            [code, period, *peers],
        ).fetchall()
    finally:
        con.close()
    values = dict(rows)
    own = values.pop("KAZ")
    return own, list(values.values())


def test_json_shape(ingested_home: Path, cli: Cli) -> None:
    result = cli("swot", "KAZ", "--home", ingested_home, "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["country"] == "KAZ" and data["lang"] == "en"
    assert set(data) == {
        "country", "lang", "peer_groups", "items", "article", "summary", "not_evaluated",
    }  # fmt: skip
    assert data["peer_groups"]["income"]["members"] > 40
    assert data["peer_groups"]["subregion"] == {
        "name": "Central Asia", "basis": "UN M49 sub-region", "members": 4,
    }  # fmt: skip
    for item in data["items"]:
        assert item["kind"] in KINDS and item["rule"] and item["text"]
        evidence = item["evidence"]
        assert evidence["indicator"] and isinstance(evidence["value"], float)
        assert evidence["period"] and evidence["label"]
        assert evidence["source"]["source"]
        keys = {"indicator", "label", "value", "period", "unit", "peer_median", "peer_group",
                "peers", "trend", "source"}  # fmt: skip
        assert keys <= set(evidence)
        if evidence["trend"] is not None:
            assert {"per_year", "from_period", "to_period"} <= set(evidence["trend"])
    for kind in KINDS:
        assert data["summary"][kind] == sum(i["kind"] == kind for i in data["items"])
    assert sum(data["summary"]["article"].values()) == 20


def test_a_strength_checked_against_the_store(kaz: dict[str, Any], ingested_home: Path) -> None:
    item = _item(kaz, "internet-users-above-income-peers")
    evidence = item["evidence"]
    own, peers = _peer_values(ingested_home, "IT.NET.USER.ZS", evidence["period"])
    # The newest release held (the World Bank's 2024 bulk file) ends in 2023.
    assert evidence["period"] == "2023" and evidence["value"] == pytest.approx(own)
    assert evidence["peer_median"] == pytest.approx(statistics.median(peers))
    assert evidence["peers"] == len(peers)
    assert own > statistics.median(peers) * 1.05  # the rule's 5 % margin
    assert evidence["source"]["file_name"] == "API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"
    assert item["kind"] == "strength" and "92.88" in item["text"]


def test_a_weakness_checked_against_the_store(kaz: dict[str, Any], ingested_home: Path) -> None:
    item = _item(kaz, "fixed-speed-cableco-below-income-peers")
    evidence = item["evidence"]
    own, peers = _peer_values(ingested_home, "speed.cableco.fixed.download.mean", "2020")
    assert evidence["value"] == pytest.approx(own) == pytest.approx(5.01)
    assert evidence["peer_median"] == pytest.approx(statistics.median(peers))
    assert own < statistics.median(peers) * 0.95
    assert item["kind"] == "weakness"
    assert "mean of 12 months of M-Lab tests" in item["text"]  # the statistic is named


def test_trends_and_ranks_between_editions(kaz: dict[str, Any]) -> None:
    # The trend runs over the last three editions held: 2020, 2022 and 2024.
    rank = _item(kaz, "egdi-rank-up")["evidence"]
    assert rank["value"] == 24 and rank["trend"]["from_period"] == "2020"
    epi = _item(kaz, "epi-falling")["evidence"]["trend"]
    assert (epi["from_period"], epi["to_period"]) == ("2020", "2024")
    assert epi["per_year"] == pytest.approx((0.8493 - 0.881) / 4)
    assert not [i for i in kaz["items"] if i["rule"] == "epi-rising"]


def test_the_articles_twenty_items(kaz: dict[str, Any]) -> None:
    article = kaz["article"]
    assert [(a["kind"], a["number"]) for a in article] == [
        (k, n) for k in KINDS for n in range(1, 6)
    ]
    assert all(a["verdict"] in VERDICTS and a["reason"] for a in article)
    assert all(a["text_ru"] and a["text_en"] and a["text_kk"] for a in article)
    assert all(a["text"] == a["text_en"] for a in article)  # the item in the document's language
    verdicts = {(a["kind"], a["number"]): a for a in article}
    first = verdicts["strength", 1]
    assert first["text_ru"] == "Высокий уровень развития электронного правительства"
    assert first["text_kk"] == "Электрондық үкіметтің жоғары даму деңгейі"
    assert first["verdict"] == "supported"
    assert verdicts["strength", 3]["verdict"] == "supported"
    weak = verdicts["weakness", 1]
    # Speed below the income median, but internet users above it: the claim is contradicted,
    # and the evidence shown is the check that failed.
    assert weak["verdict"] == "contradicted" and weak["evidence"]["indicator"] == "IT.NET.USER.ZS"
    assert verdicts["weakness", 3]["verdict"] == "untestable"
    assert verdicts["weakness", 3]["evidence"] is None
    assert verdicts["threat", 1]["verdict"] == "untestable"  # no EN.POP.DNST in the store
    assert "EN.POP.DNST" in verdicts["threat", 1]["reason"]
    assert verdicts["threat", 4]["verdict"] == "supported"  # the April 2020 dip in speeds


def test_the_article_file_is_complete() -> None:
    items = load_article().items
    assert len(items) == 20
    for kind in KINDS:
        assert sorted(i.number for i in items if i.kind == kind) == [1, 2, 3, 4, 5]


def test_every_text_is_filled_in_every_language(languages: dict[str, dict[str, Any]]) -> None:
    for lang, result in languages.items():
        texts = [i["text"] for i in result["items"]] + [a["reason"] for a in result["article"]]
        texts += [n["reason"] for n in result["not_evaluated"]]
        for text in texts:
            assert not unfilled(text), text
            assert "None" not in text and "nan" not in text.split(), text
        if lang != "en":
            assert any("0,9009" in t for t in texts)  # a decimal comma (EGDI 2024)
    ru = languages["ru"]
    assert ru["peer_groups"]["subregion"]["name"] == "Центральная Азия"
    assert _item(ru, "egdi-leads-subregion")["text"].startswith("Казахстан: 1-е место из 5")


KAZAKH_LETTERS = set("әғқңөұүһі")


def test_every_sentence_is_in_the_language_asked_for(
    languages: dict[str, dict[str, Any]],
) -> None:
    for lang in ("ru", "kk"):
        result = languages[lang]
        assert result["lang"] == lang
        sentences = [i["text"] for i in result["items"]]
        sentences += [a[key] for a in result["article"] for key in ("text", "reason")]
        sentences += [g["basis"] for g in result["peer_groups"].values()]
        for text in sentences:
            letters = {c for c in text.lower() if c.isalpha()}
            assert letters & set("абвгдежзийклмнопрстуфхцчшщыэюя"), text
            if lang == "kk":
                assert letters & KAZAKH_LETTERS, text
            else:
                assert not letters & KAZAKH_LETTERS, text


USER_TEXTS = """
rules:
  - id: known-text
    kind: strength
    indicator: egov.egdi
    label: the E-Government Development Index (EGDI)
    test: {kind: peer_median, peers: income, direction: better, margin_pct: 5}
    text: >-
      {country}: {label} is {value} ({period}), {diff_pct}% above the median of «{peer_group}»
      ({peer_median}, {peers} countries).
  - id: own-text
    kind: strength
    indicator: egov.egdi
    label: EGDI of my own
    test: {kind: peer_median, peers: income, direction: better, margin_pct: 5}
    text: "{country} does well: {value}."
  - id: own-translation
    kind: strength
    indicator: egov.egdi
    test: {kind: peer_median, peers: income, direction: better, margin_pct: 5}
    text: {en: "{country} does well.", ru: "{country}: хорошо."}
"""


def test_a_users_text_is_shown_as_written_unless_the_catalogue_knows_it(
    ingested_home: Path, tmp_path: Path
) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(USER_TEXTS, encoding="utf-8")
    result = Observatory(home=ingested_home).swot("KAZ", rules=path, lang="ru")
    texts = {i["rule"]: i["text"] for i in result["items"]}
    # the shipped sentence and label, which the catalogue translates
    assert texts["known-text"].startswith("Казахстан: индекс развития электронного правительства")
    assert texts["own-text"].startswith("Казахстан does well: 0,9")  # as written, numbers in ru
    assert texts["own-translation"] == "Казахстан: хорошо."  # the file's own Russian
    kk = Observatory(home=ingested_home).swot("KAZ", rules=path, lang="kk")
    assert {i["rule"]: i["text"] for i in kk["items"]}["own-translation"] == "Қазақстан does well."


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_table_has_no_nan_or_none(ingested_home: Path, cli: Cli, lang: str) -> None:
    result = cli("swot", "Kazakhstan", "--home", ingested_home, "--lang", lang)
    assert result.exit_code == 0, result.stderr
    words = result.stdout.replace("│", " ").split()
    assert "None" not in words and "nan" not in words and "null" not in words
    assert "—" in result.stdout  # a missing per-year change is shown as a dash
    heading = {"en": "Strengths", "ru": "Сильные стороны", "kk": "Күшті жақтары"}[lang]
    assert heading in result.stdout


def test_csv_and_ndjson_print_the_items_of_the_json(ingested_home: Path, cli: Cli) -> None:
    whole = json.loads(cli("swot", "KAZ", "--home", ingested_home, "-f", "json").stdout)
    result = cli("swot", "KAZ", "--home", ingested_home, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["rule"] for r in rows] == [i["rule"] for i in whole["items"]]
    header = result.stdout.splitlines()[0].split(",")
    assert header[:4] == ["kind", "rule", "text", "evidence.indicator"]
    # a nested object is flattened into dotted columns, the trend's where the trend is
    assert header.index("evidence.trend.per_year") < header.index("evidence.source.file_name")
    first = whole["items"][0]
    assert rows[0]["evidence.source.file_name"] == first["evidence"]["source"]["file_name"]
    assert float(rows[0]["evidence.value"]) == pytest.approx(first["evidence"]["value"])
    assert "None" not in result.stdout and "nan" not in result.stdout
    lines = cli("swot", "KAZ", "--home", ingested_home, "-f", "ndjson").stdout.splitlines()
    assert [json.loads(line) for line in lines] == whole["items"]


USER_RULES = """
rules:
  - id: hci-above-central-asia
    kind: strength
    indicator: egov.hci
    test: {kind: peer_median, peers: subregion, direction: better, margin_pct: 1}
    text:
      en: "{country}: {label} {value} in {period}, above {peer_median} ({peer_group})."
      ru: "{country}: {label} {value} за {period}, выше {peer_median} ({peer_group})."
      kk: "{country}: {label} {value} ({period}), {peer_median} ({peer_group}) жоғары."
  - id: density-low
    kind: threat
    indicator: EN.POP.DNST
    test: {kind: peer_median, peers: income, direction: worse}
    text: {en: "{value}", ru: "{value}", kk: "{value}"}
  - id: sgi-fixed-below
    kind: weakness
    indicator: speed.ookla_sgi.fixed.download
    test: {kind: peer_median, peers: world, direction: worse}
    text: {en: "{label}: {value}", ru: "{value}", kk: "{value}"}
  - id: too-few-peers
    kind: weakness
    indicator: speed.ookla_si.fixed.download.median
    test: {kind: peer_median, peers: income, direction: worse, min_peers: 20}
    text: {en: "{value}", ru: "{value}", kk: "{value}"}
"""


def test_a_user_rules_file(ingested_home: Path, tmp_path: Path, cli: Cli) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(USER_RULES, encoding="utf-8")
    result = Observatory(home=ingested_home).swot("KAZ", rules=path)
    assert [i["rule"] for i in result["items"]] == ["hci-above-central-asia", "sgi-fixed-below"]
    item = result["items"][0]
    # Without a label, a speed is named with its statistic.
    assert result["items"][1]["text"] == (
        "Download speed, fixed broadband (Speedtest Global Index; median of the month's tests): "
        "58.81"
    )
    # No label given: the store's label is used.
    assert item["text"].startswith("Kazakhstan: Human Capital Index (HCI) 0.8403 in 2024")
    assert item["evidence"]["peer_group"] == "Central Asia" and item["evidence"]["peers"] == 4
    missing = {n["rule"]: n["reason"] for n in result["not_evaluated"]}
    assert missing["density-low"] == "the store holds no EN.POP.DNST"
    few = missing["too-few-peers"]
    assert "only 3 countries of «upper-middle income» besides Kazakhstan" in few
    assert "(20 needed)" in few
    assert len(result["article"]) == 20  # the article is judged whatever the rules
    shown = cli("swot", "KAZ", "--rules", path, "--home", ingested_home)
    assert shown.exit_code == 0, shown.stderr
    assert "hci-above-central-asia" not in shown.stdout.split("Not evaluated")[0]
    assert "density-low: the store holds no EN.POP.DNST" in shown.stdout


GOOD_RULE = """rules:
  - id: r1
    kind: strength
    indicator: egov.egdi
    test: {kind: peer_median, peers: income, direction: better, margin_pct: 5}
    text: {en: "{value}", ru: "{value}", kk: "{value}"}
"""


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("kind: strength", "kind: asset", ["rule 'r1'", "row 2", "column 'kind'"]),
        ("kind: peer_median,", "kind: guess,", ["rule 'r1'", "column 'test'", "guess"]),
        ("margin_pct: 5", "margin_pct: -5", ["rule 'r1'", "column 'test.margin_pct'"]),
        ("margin_pct: 5", "margin: 5", ["rule 'r1'", "column 'test.margin'"]),
        ('ru: "{value}"', 'ru: "{valeu}"', ["rule 'r1'", "text.ru", "{valeu}"]),
        ('en: "{value}", ', "", ["rule 'r1'", "column 'text.en'", "Field required"]),
        ('en: "{value}"', 'en: "{value:.2f}"', ["rule 'r1'", "text.en", "bare name"]),
        ("id: r1", "id: R 1", ["column 'id'", "pattern"]),
        ("peers: income", "peers: galaxy", ["rule 'r1'", "column 'test.peers'"]),
        ("    indicator: egov.egdi\n", "", ["rule 'r1'", "needs an indicator"]),
        ("{kind: peer_median", "[kind: peer_median", ["is not valid YAML", "row"]),
        (
            "peer_median, peers: income, direction: better, margin_pct: 5",
            "trend, from: '2020-02', to: '2019-13', direction: better",
            ["rule 'r1'", "column 'test.to'", "'2019-13' is not a period"],
        ),
        (
            "peer_median, peers: income, direction: better, margin_pct: 5",
            "trend, from: '2020-02', to: '2019-12', direction: better",
            ["rule 'r1'", "column 'test'", "must come after 'from'"],
        ),
    ],
)
def test_bad_rules_files(tmp_path: Path, old: str, new: str, words: list[str]) -> None:
    assert old in GOOD_RULE
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD_RULE.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_rules(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    for word in words:
        assert word in message, message


def test_bad_rules_files_at_file_level(tmp_path: Path, cli: Cli, ingested_home: Path) -> None:
    twice = tmp_path / "twice.yaml"
    twice.write_text(GOOD_RULE + GOOD_RULE.split("rules:\n", 1)[1], encoding="utf-8")
    with pytest.raises(InputError, match="rule ids used twice: r1"):
        load_rules(twice)
    empty = tmp_path / "empty.yaml"
    empty.write_text("rules: []\n", encoding="utf-8")
    with pytest.raises(InputError, match="column 'rules'"):
        load_rules(empty)
    with pytest.raises(InputError, match="no such file"):
        load_rules(tmp_path / "absent.yaml")
    result = cli("swot", "KAZ", "--rules", twice, "--home", ingested_home)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "twice.yaml" in result.stderr


def test_the_shipped_rules_cover_the_brief() -> None:
    rules = load_rules().rules
    indicators = {r.indicator for r in rules}
    for code in ("egov.egdi", "egov.osi", "egov.hci", "egov.tii", "egov.epi", "IT.NET.USER.ZS",
                 "IT.NET.BBND.P2", "IT.CEL.SETS.P2", "speed.ookla_sgi.fixed.download",
                 "speed.ookla_sgi.mobile.download"):  # fmt: skip
        assert code in indicators
    assert any(r.test.kind == "targets" for r in rules)
    assert {r.kind for r in rules} == set(KINDS)


def test_the_targets_rule(ingested_home: Path) -> None:
    store = Store(ingested_home / "infosoc.duckdb", read_only=True)
    try:
        without = swot(store, "KAZ", targets=None)
        card = {"declared": 4, "met": 1, "missed": 0, "on_track": 0, "off_track": 0,
                "no_data": 3, "share_achieved": 0.25, "share_uncheckable": 0.75}  # fmt: skip
        scored = {"country": "KAZ", "as_of": "2026-01-01", "registry": "test", "scorecard": card}
        with_card = swot(store, "KAZ", targets=lambda iso3: scored, lang="ru")
    finally:
        store.close()
    rule = "advance-institutionalisation"
    reason = next(n["reason"] for n in without["not_evaluated"] if n["rule"] == rule)
    assert "Observatory.targets" in reason
    t5 = next(a for a in without["article"] if (a["kind"], a["number"]) == ("threat", 5))
    assert t5["verdict"] == "untestable" and "Observatory.targets" in t5["reason"]
    item = next(i for i in with_card["items"] if i["rule"] == rule)
    assert item["evidence"]["value"] == 0.75 and item["evidence"]["indicator"].startswith("targets")
    assert "3 из 4" in item["text"] and "75%" in item["text"]


def test_numbers_in_sentences() -> None:
    assert number(0.86284, "en") == "0.8628"
    assert number(0.86284, "ru") == "0,8628"
    assert number(19_621_972.0, "en") == "19,621,972"
    assert number(19_621_972.0, "kk") == "19\u00a0621\u00a0972"
    assert number(0.0257, "en", signed=True) == "+0.0257"
    assert number(-9.3, "ru", signed=True) == "-9,3"
    assert number(55, "en") == "55"
