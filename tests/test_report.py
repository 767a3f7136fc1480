"""`infosoc report`: the country report in three languages and three formats, offline, with
every number sourced and every missing value shown as missing."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import io
import json
import re
import shutil
import subprocess
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from infosoc import InfosocError, Observatory
from infosoc.errors import InputError, NotFoundError
from infosoc.i18n import translations
from infosoc.i18n.format import format_date, format_number, format_percent, missing
from infosoc.report.collect import collect
from infosoc.report.model import CountryReport
from infosoc.report.render import html_to_pdf, render, render_html, report_name

TODAY = dt.date(2026, 11, 26)
LANGS = ("en", "ru", "kk")
KAZAKH = "ӘҒҚҢӨҰҮҺІәғқңөұүһі"
HEADINGS = (
    "Summary",
    "E-government: the UN E-Government Development Index",
    "Connectivity",
    "The digital divide inside the country",
    "The divide inside Kazakhstan: official statistics",
    "National targets",
    "Strengths, weaknesses, opportunities and threats",
    "The review article's claims, checked",
    "Methodology and sources",
    "Notes",
)
NO_TILES = (
    "No speed-tile files are held, so the divide between regions cannot be measured. Fetch a "
    "quarter of Ookla's open tiles with “infosoc divide tiles --network fixed --period YEAR-QN” "
    "(or put them in the data folder under speed/ookla_open_data_tiles/), then make the "
    "report again."
)


@pytest.fixture(scope="module")
def reports(ingested_home: Path, snapshot: Path) -> dict[str, CountryReport]:
    """The report on Kazakhstan in each language, gathered once for the module."""
    obs = Observatory(home=ingested_home, mirror=snapshot)
    return {lang: collect(obs, "KAZ", lang=lang, today=TODAY) for lang in LANGS}


@pytest.fixture(scope="module")
def rendered(reports: dict[str, CountryReport]) -> dict[tuple[str, str], bytes]:
    """Each report in HTML (its charts drawn) and in Markdown."""
    return {(lang, fmt): render(reports[lang], fmt) for lang in LANGS for fmt in ("html", "md")}


@pytest.fixture(scope="module")
def printed(rendered: dict[tuple[str, str], bytes]) -> dict[str, bytes]:
    """Each report's PDF, printed from its HTML."""
    pytest.importorskip("weasyprint")
    return {lang: html_to_pdf(_html(rendered, lang)) for lang in LANGS}


def _html(rendered: dict[tuple[str, str], bytes], lang: str) -> str:
    return rendered[(lang, "html")].decode("utf-8")


def _text(page: str) -> str:
    """The visible text of an HTML page (styles and SVG left out)."""
    body = re.sub(r"<(style|svg)\b.*?</\1>", " ", page, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", body))


def _section(page: str, key: str) -> str:
    found = re.search(rf'<section id="{key}">(.*?)</section>', page, flags=re.S)
    assert found, f"no section {key}"
    return found.group(1)


# The command line --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "fmt", "output"),
    [
        ("ru", "md", "csv"),
        ("kk", "html", "json"),
        pytest.param("en", "pdf", "json", marks=pytest.mark.slow),
    ],
)
def test_cli_writes_the_report_and_prints_the_file_written(
    cli: Any,
    tmp_path: Path,
    ingested_home: Path,
    snapshot: Path,
    lang: str,
    fmt: str,
    output: str,
) -> None:
    out = tmp_path / "out"
    result = cli(
        "report", "Қазақстан", "--lang", lang, "--to", fmt, "--out", out, "-f", output,
        "--home", ingested_home, "--from", snapshot,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    path = out / f"infosoc-report-KAZ-{lang}.{fmt}"
    if output == "json":
        assert json.loads(result.stdout) == [{"format": fmt, "path": str(path)}]
    else:
        assert result.stdout == f"format,path\n{fmt},{path}\n"
    assert path.stat().st_size > 10_000
    assert sorted(p.name for p in out.iterdir()) == [path.name]  # no temporary file left


def test_the_old_format_option_still_writes_the_report_with_a_note(
    cli: Any, tmp_path: Path, ingested_home: Path, snapshot: Path
) -> None:
    result = cli(
        "report", "KAZ", "--lang", "ru", "--format", "md", "--out", tmp_path,
        "--home", ingested_home, "--from", snapshot,
    )  # fmt: skip
    assert result.exit_code == 0
    assert result.stderr == "note: --format is deprecated and will go; use --to\n"
    path = tmp_path / "infosoc-report-KAZ-ru.md"
    assert path.read_text("utf-8").startswith("# ")
    assert str(path) in result.stdout  # the files written, as a table


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lang", "de"], "--lang must be en, ru or kk, not 'de'"),
        (["--to", "docx"], "--to must be html, pdf or md, not 'docx'"),
        (["--lang", "kk", "--to", "PDF"], "--to must be html, pdf or md, not 'PDF'"),
        (["--to", "html,docx"], "--to must be html, pdf or md, not 'docx'"),
        (["--to", "html,"], "--to must be html, pdf or md, not ''"),
    ],
)
def test_a_bad_language_or_format_is_one_line_exit_2_and_no_file(
    cli: Any, tmp_path: Path, ingested_home: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "out"
    result = cli("report", "KAZ", *args, "--out", out, "--home", ingested_home)
    assert result.exit_code == 2
    assert result.stderr == f"error: {message}\n"
    assert result.stdout == ""
    assert not out.exists()


def test_an_output_format_that_is_no_format_at_all_is_one_line_and_no_file(
    cli: Any, tmp_path: Path, ingested_home: Path
) -> None:
    result = cli("report", "KAZ", "-f", "docx", "--out", tmp_path, "--home", ingested_home)
    assert result.exit_code == 2
    # The output formats the command knows, named: table, csv or json (and any added later).
    wanted = r"error: --format must be table, csv(, \w+)* or \w+, not 'docx'\n"
    assert re.fullmatch(wanted, result.stderr)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_several_formats_come_from_one_gathering(
    cli: Any, tmp_path: Path, ingested_home: Path, snapshot: Path
) -> None:
    out = tmp_path / "out"
    result = cli(
        "report", "KAZ", "--lang", "ru", "--to", "pdf,html,pdf", "--out", out, "-f", "json",
        "--home", ingested_home, "--from", snapshot,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    pdf, html = out / "infosoc-report-KAZ-ru.pdf", out / "infosoc-report-KAZ-ru.html"
    assert json.loads(result.stdout) == [  # in the order asked, once each
        {"format": "pdf", "path": str(pdf)},
        {"format": "html", "path": str(html)},
    ]
    assert pdf.read_bytes().startswith(b"%PDF-")
    # The HTML that was printed is the HTML written: the same as a report in HTML alone.
    obs = Observatory(home=ingested_home, mirror=snapshot)
    [alone] = obs.report("KAZ", lang="ru", to="html", out=tmp_path / "alone")
    assert html.read_bytes() == alone.read_bytes()
    assert sorted(p.name for p in out.iterdir()) == sorted([pdf.name, html.name])


def test_an_unknown_country_is_one_line_and_no_file(
    cli: Any, tmp_path: Path, ingested_home: Path
) -> None:
    result = cli("report", "Atlantis", "--out", tmp_path, "--home", ingested_home)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


# What every report holds -------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_every_format_is_produced(rendered: dict[tuple[str, str], bytes], lang: str) -> None:
    assert rendered[(lang, "html")].startswith(b"<!DOCTYPE html>")
    assert rendered[(lang, "md")].startswith(b"# ")


@pytest.mark.parametrize("lang", LANGS)
def test_section_headings_come_from_the_catalogues(
    rendered: dict[tuple[str, str], bytes], lang: str
) -> None:
    page, markdown = _html(rendered, lang), rendered[(lang, "md")].decode("utf-8")
    for heading in HEADINGS:
        translated = translations(lang).gettext(heading)
        if lang != "en":
            assert translated != heading, f"{heading!r} is not translated into {lang}"
        assert f">{escape(translated)}</h2>" in page
        assert f"## {translated}\n" in markdown


def test_the_kazakh_report_is_written_in_kazakh_letters(
    rendered: dict[tuple[str, str], bytes],
) -> None:
    text = _text(_html(rendered, "kk"))
    assert set("әғқңөұүі") <= set(text)
    assert "Қазақстан: цифрлық даму" in text
    assert "Ұлттық нысаналы көрсеткіштер" in text and "Әдістеме және дереккөздер" in text


@pytest.mark.parametrize(
    ("lang", "egdi", "share", "date"),
    [
        ("en", "0.8628", "85.9%", "November 26, 2026"),
        ("ru", "0,8628", "85,9\xa0%", "26 ноября 2026"),
        ("kk", "0,8628", "85,9%", "2026\u202fж. 26 қараша"),
    ],
)
def test_numbers_and_dates_follow_the_locale(
    rendered: dict[tuple[str, str], bytes], lang: str, egdi: str, share: str, date: str
) -> None:
    page = _html(rendered, lang)
    text = _text(page)
    assert egdi in text and share in text and date in text
    if lang != "en":  # a decimal point would be an English number left in (the article's
        # claims are quoted as written, so their section is left out of this check)
        ours = _text(page.replace(_section(page, "article"), ""))
        assert not re.search(r"\b0\.\d", ours)
        assert "11\xa0610\xa0915" in text  # internet users in 2014, grouped the locale's way


@pytest.mark.parametrize("lang", LANGS)
def test_missing_values_are_shown_as_missing_never_as_zero(
    rendered: dict[tuple[str, str], bytes], lang: str
) -> None:
    page = _html(rendered, lang)
    for fmt_text in (_text(page), rendered[(lang, "md")].decode("utf-8")):
        assert not re.search(r"\b(nan|NaN|None|null|inf)\b", fmt_text)
    # No tile files are held: the divide section says so, with no table and no number.
    divide = _section(page, "divide")
    assert f">{escape(translations(lang).gettext(NO_TILES))}</p>" in divide
    assert "<table" not in divide and not re.search(r"\b0\b", _text(divide))
    # OWID's count of users ends in 2020: the cells of 2021-2023 show the missing mark.
    users = re.search(r'<table class="users[^"]*">(.*?)</table>', page, flags=re.S)
    assert users and f'<td class="num ">{missing(lang)}</td>' in users.group(1)


def test_every_number_has_a_footnote_to_its_source(reports: dict[str, CountryReport]) -> None:
    report = reports["en"]
    egdi = next(s for s in report.sections if s.key == "egdi")
    assert all(row[0].notes for row in egdi.tables[0].rows)  # one note per edition
    notes = {n.number: n.text for n in report.notes}
    first = egdi.tables[0].rows[0][0]
    assert "EGOV_DATA_2003.csv" in notes[first.notes[0]]
    assert "retrieved" in notes[first.notes[0]]
    assert sorted(notes) == list(range(1, len(notes) + 1))  # numbered in reading order
    methodology = next(s for s in report.sections if s.key == "methodology")
    publishers = " ".join(row[0].text for row in methodology.tables[0].rows)
    assert "UN DESA" in publishers and "World Bank" in publishers


@pytest.mark.parametrize("lang", LANGS)
def test_the_html_is_one_offline_file(rendered: dict[tuple[str, str], bytes], lang: str) -> None:
    page = _html(rendered, lang)
    assert not re.search(r"<script|<link|<img|<iframe|@import|url\(\s*['\"]?(https?:)?//", page)
    assert not re.search(r"\bsrc\s*=", page)
    assert page.count("<svg") == 5  # the charts, inline (two of them official statistics')


# The PDF -----------------------------------------------------------------------------------
def _pdf_objects(pdf: bytes) -> Iterator[bytes]:
    """The PDF's bytes and every stream in it, decompressed where Flate-compressed."""
    yield pdf
    for match in re.finditer(rb"stream\r?\n", pdf):
        data = pdf[match.end() : pdf.find(b"endstream", match.end())]
        try:
            yield zlib.decompressobj().decompress(data)
        except zlib.error:
            continue


def _text_layer(pdf: bytes) -> set[str]:
    """Every character the PDF's ToUnicode maps name: what copying the text gives."""
    found: set[str] = set()
    for data in _pdf_objects(pdf):
        if b"begincmap" not in data:
            continue
        for _glyph, code in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", data):
            text = bytes.fromhex(code.decode()).decode("utf-16-be", errors="ignore")
            found.update(text)
    return found


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_the_pdf_has_several_pages(printed: dict[str, bytes], lang: str) -> None:
    pdf = printed[lang]
    assert pdf.startswith(b"%PDF-")
    pages = sum(len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) for data in _pdf_objects(pdf))
    assert pages >= 6


@pytest.mark.slow
def test_the_kazakh_pdf_text_layer_has_the_kazakh_letters(
    rendered: dict[tuple[str, str], bytes], printed: dict[str, bytes]
) -> None:
    layer = _text_layer(printed["kk"])
    used = set(KAZAKH) & set(_text(_html(rendered, "kk")))
    assert used >= set("әғқңөұүіҚӘҰӨ")
    assert used <= layer


@pytest.mark.slow
def test_the_pdf_fonts_cover_every_kazakh_letter(rendered: dict[tuple[str, str], bytes]) -> None:
    weasyprint = pytest.importorskip("weasyprint")
    ttlib = pytest.importorskip("fontTools.ttLib")
    if shutil.which("fc-match") is None:
        pytest.skip("fontconfig's fc-match is needed to find the font files")
    document = weasyprint.HTML(string=_html(rendered, "kk")).render()
    document.write_pdf()
    families = {font.family for font in document.fonts.values()}
    assert families == {"DejaVu Sans"}
    # No glyph was drawn as a box: WeasyPrint lists the code points a font lacked.
    assert all(not font.missing for font in document.fonts.values())
    for family in families:
        file = subprocess.run(
            ["fc-match", "--format=%{file}", family], capture_output=True, text=True, check=True
        ).stdout
        cmap = ttlib.TTFont(file, lazy=True).getBestCmap()
        assert [c for c in KAZAKH if ord(c) not in cmap] == []


@pytest.mark.parametrize(
    ("lang", "number", "percent", "date"),
    [
        ("en", "0.86", "85.9%", "November 26, 2026"),
        ("ru", "0,86", "85,9\xa0%", "26 ноября 2026\u202fг."),
        ("kk", "0,86", "85,9%", "2026\u202fж. 26 қараша"),
    ],
)
def test_locale_formats(lang: str, number: str, percent: str, date: str) -> None:
    assert format_number(0.8628, lang, 2) == number
    assert format_percent(85.94, lang) == percent
    assert format_date(TODAY, lang) == date
    assert format_number(None, lang) == format_number(float("nan"), lang) == "—"
    assert missing(lang, sentence=True) != "—"


# Targets and SWOT, with small fixtures ---------------------------------------------------------
TARGETS: dict[str, Any] = {
    "country": "KAZ",
    "as_of": "2026-11-26",
    "registry": "test",
    "targets": [
        {
            "id": "users-2022", "title": "Internet users", "indicator": "IT.NET.USER.ZS",
            "unit": "% of population", "baseline": None,
            "target": {"value": 82.0, "direction": "at_least", "deadline": "2022"},
            "source_document": {"title": "Digital Kazakhstan", "url": None, "cited_in": "x"},
            "status": "met",
            "observed": {"period": "2022", "value": 88.5,
                         "source": {"source": "worldbank", "file_name": "WDI_X.csv",
                                    "retrieved": "2026-11-26"}},
            "projection": None, "required_growth": None, "observed_growth": None,
            "reason": "met in 2022",
        },
        {
            "id": "villages", "title": "Villages online", "indicator": None, "unit": "villages",
            "baseline": None, "target": {"value": 1250, "direction": "at_least",
                                         "deadline": "2021-12-31"},
            "source_document": {"title": "Digital Kazakhstan", "url": None, "cited_in": "x"},
            "status": "no_data", "observed": None, "projection": None,
            "required_growth": None, "observed_growth": None, "reason": "no series",
        },
    ],
    "scorecard": {"declared": 2, "met": 1, "missed": 0, "on_track": 0, "off_track": 0,
                  "no_data": 1, "share_achieved": 0.5, "share_uncheckable": 0.5},
}  # fmt: skip
SWOT: dict[str, Any] = {
    "country": "KAZ",
    "peer_groups": {},
    "items": [
        {"kind": "strength", "rule": "r1", "text": "EGDI well above the peers",
         "evidence": {"indicator": "egov.egdi", "label": "EGDI", "value": 0.86, "period": "2022",
                      "unit": "index", "peer_median": 0.64, "peer_group": "upper middle",
                      "peers": 55, "trend": None,
                      "source": {"source": "un-egov", "file_name": "EGOV_DATA_2022.csv",
                                 "retrieved": "2026-11-26"}}},
    ],
    "article": [
        {"kind": "threat", "number": 1, "text_ru": "Угроза", "text_en": "A threat",
         "text_kk": "Қатер", "verdict": "untestable", "reason": "no series", "evidence": None},
    ],
    "summary": {},
}  # fmt: skip


class _WithFixtures:
    """The real Observatory, with targets and SWOT answered by fixtures (or empty)."""

    def __init__(self, obs: Observatory, *, present: bool) -> None:
        self._obs = obs
        self._targets = TARGETS if present else {**TARGETS, "targets": []}
        self._swot = SWOT if present else {**SWOT, "items": [], "article": []}

    def targets(self, country: str, **kw: Any) -> dict[str, Any]:
        return self._targets

    def swot(self, country: str, **kw: Any) -> dict[str, Any]:
        return self._swot

    def __getattr__(self, name: str) -> Any:
        return getattr(self._obs, name)


@pytest.fixture(scope="module")
def fixture_reports(ingested_home: Path, snapshot: Path) -> dict[bool, CountryReport]:
    obs = Observatory(home=ingested_home, mirror=snapshot)
    return {
        present: collect(_WithFixtures(obs, present=present), "KAZ", lang="ru", today=TODAY)
        for present in (True, False)
    }


def test_targets_and_swot_from_their_json(fixture_reports: dict[bool, CountryReport]) -> None:
    page = render(fixture_reports[True], "html").decode("utf-8")
    targets, swot = _text(_section(page, "targets")), _text(_section(page, "swot"))
    assert "достигнуто" in targets and "нет данных" in targets
    assert "≥ 82 (2022)" in targets and "88,5 (2022)" in targets
    assert "≥ 1\xa0250 (31 декабря 2021\u202fг.)" in targets
    assert "доля достигнутых" in targets and "50\xa0%" in targets
    assert "EGDI well above the peers" in swot and "Угроза" in swot and "не проверяемо" in swot
    assert "Слабые стороны" in swot and "В имеющихся данных не найдено." in swot


def test_without_targets_or_swot_the_sections_say_so(
    fixture_reports: dict[bool, CountryReport],
) -> None:
    page = render(fixture_reports[False], "html").decode("utf-8")
    targets, swot = _section(page, "targets"), _section(page, "swot")
    assert "Национальные целевые показатели для страны Казахстан не зарегистрированы." in targets
    assert "Имеющиеся данные не дают пунктов SWOT-анализа для страны Казахстан." in swot
    assert "<table" not in targets and "<table" not in swot


# The divide, when tiles are held ------------------------------------------------------------
def test_the_divide_section_reports_each_quarter_held(
    tmp_path: Path, ingested_home: Path, snapshot: Path
) -> None:
    pytest.importorskip("shapely")
    from tests.synthetic_tiles import synthetic_tiles, write_tiles

    mirror = tmp_path / "data"
    shutil.copytree(snapshot / "geo", mirror / "geo")
    for quarter, month in ((1, "01"), (2, "04")):
        folder = mirror / f"speed/ookla_open_data_tiles/type=fixed/year=2023/quarter={quarter}"
        folder.mkdir(parents=True)
        table = synthetic_tiles(4_000, seed=20 + quarter, year=2023)
        write_tiles(table, folder / f"2023-{month}-01_performance_fixed_tiles.parquet")
    obs = Observatory(home=ingested_home, mirror=mirror)
    report = collect(obs, "KAZ", lang="kk", today=TODAY)
    divide = next(s for s in report.sections if s.key == "divide")
    assert divide.missing is None
    quarters = [row[0].text for row in divide.tables[0].rows]
    assert quarters == ["2023 ж. 1-тоқсан", "2023 ж. 2-тоқсан"]
    assert all(row[0].notes for row in divide.tables[0].rows)


class _HeldTiles:
    """A divide holding one quarter of tiles, whose report fails with ``fault``; its region
    boundaries can be read unless ``boundaries`` is False."""

    def __init__(self, fault: Exception, *, boundaries: bool = True) -> None:
        self.fault, self.boundaries = fault, boundaries

    def quarters(self, kind: str) -> list[str]:
        return ["2023 Q1"]

    def report(self, country: str, *, lang: str) -> dict[str, Any]:
        raise self.fault

    def regions(self, *, country: str, layout: str) -> Any:
        if not self.boundaries:
            raise NotFoundError("Kazakhstan's region boundaries come from geo/...")
        return object()


def _divide_section(divide: _HeldTiles, lang: str = "en") -> Any:
    from types import SimpleNamespace

    from infosoc.report.context import Context
    from infosoc.report.localiser import Localiser
    from infosoc.report.notes import Notes
    from infosoc.report.sections.divide import divide_section

    loc = Localiser(lang)  # type: ignore[arg-type]
    name = "Kazakhstan" if lang == "en" else "Казахстан"
    data = SimpleNamespace(divide=divide)
    return divide_section(Context(data, None, "KAZ", name, loc, Notes([], loc)))  # type: ignore[arg-type]


def test_a_faulty_tile_file_is_reported_as_such_not_as_missing_boundaries() -> None:
    fault = InputError("not a Parquet file", file="2023-01-01_performance_fixed_tiles.parquet")
    section = _divide_section(_HeldTiles(fault))
    assert section.missing == (
        "Speed tiles are held, but the divide could not be measured: "
        "2023-01-01_performance_fixed_tiles.parquet: not a Parquet file"
    )
    assert not section.tables
    russian = _divide_section(_HeldTiles(fault), lang="ru").missing
    assert russian.startswith("Скоростные тайлы есть, но измерить неравенство не удалось: 2023-01")


def test_missing_boundaries_are_reported_as_missing_boundaries() -> None:
    fault = NotFoundError("Kazakhstan's region boundaries come from geo/...")
    section = _divide_section(_HeldTiles(fault, boundaries=False))
    assert section.missing is not None
    assert "without the region boundaries of Kazakhstan" in section.missing


# Writing -----------------------------------------------------------------------------------
def test_a_failed_render_leaves_no_file(
    tmp_path: Path, ingested_home: Path, snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from infosoc.report import render as render_module

    target = tmp_path / report_name("KAZ", "en", "md")
    target.write_text("the previous report\n")

    def broken(report: CountryReport) -> str:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(render_module, "render_markdown", broken)
    obs = Observatory(home=ingested_home, mirror=snapshot)
    with pytest.raises(RuntimeError):
        obs.report("KAZ", lang="en", to="md", out=tmp_path)
    assert target.read_text() == "the previous report\n"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_the_html_written_is_the_html_the_library_renders(
    tmp_path: Path, ingested_home: Path, snapshot: Path
) -> None:
    obs = Observatory(home=ingested_home, mirror=snapshot)
    [path] = obs.report("KAZ", lang="ru", to="html", out=tmp_path)
    expected = render_html(collect(obs, "KAZ", lang="ru"))
    assert expected.count("<svg") >= 3
    assert path.read_text(encoding="utf-8") == expected


@pytest.mark.slow
def test_a_failing_pdf_is_one_line_and_no_file(
    tmp_path: Path, ingested_home: Path, snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from infosoc.report import render as render_module

    def broken(html: str) -> bytes:
        raise InfosocError("no fonts \n here")

    monkeypatch.setattr(render_module, "html_to_pdf", broken)
    out = tmp_path / "out"
    obs = Observatory(home=ingested_home, mirror=snapshot)
    with pytest.raises(InfosocError) as raised:  # the Markdown could be written, but is not
        obs.report("KAZ", lang="en", to=("md", "html", "pdf"), out=out)
    assert str(raised.value) == "no fonts \n here"
    assert not out.exists()


def test_the_report_says_each_step_as_it_starts(
    tmp_path: Path, ingested_home: Path, snapshot: Path
) -> None:
    steps: list[tuple[int, int | None, str]] = []
    obs = Observatory(home=ingested_home, mirror=snapshot)
    [path] = obs.report(
        "KAZ", lang="en", to="html", out=tmp_path, progress=lambda *step: steps.append(step)
    )
    whats = [what for _, _, what in steps]
    gathered = [w.removeprefix("gathered: ") for w in whats if w.startswith("gathered: ")]
    assert gathered == list(HEADINGS[1:8])  # the body, between the summary and the method
    assert whats[-3:] == ["writing the HTML", f"writing {path.name}", "done"]
    done = [d for d, _, _ in steps]
    assert done == sorted(done) and steps[-1][0] == steps[-1][1]  # counts up to the total
    assert len({total for _, total, _ in steps}) == 1


def test_the_api_writes_into_the_folder_given(
    tmp_path: Path, ingested_home: Path, snapshot: Path
) -> None:
    obs = Observatory(home=ingested_home, mirror=snapshot)
    paths = obs.report("Kazakhstan", lang="en", to="md", out=tmp_path)
    assert paths == [tmp_path / "infosoc-report-KAZ-en.md"]
    text = paths[0].read_text(encoding="utf-8")
    assert text.startswith("# Digital development of Kazakhstan\n")
    assert "[^1]: UN DESA" in text and io.StringIO(text).readline()


@pytest.mark.slow
def test_a_pdf_that_would_load_anything_is_refused_in_one_line() -> None:
    pytest.importorskip("weasyprint")
    from infosoc.report.render import html_to_pdf

    page = '<html><body><p>x</p><img src="http://example.invalid/logo.png"></body></html>'
    with pytest.raises(InfosocError) as caught:
        html_to_pdf(page)
    message = str(caught.value)
    assert "http://example.invalid/logo.png" in message and "offline" in message
    assert "\n" not in message
    assert html_to_pdf("<html><body><p>x</p></body></html>").startswith(b"%PDF")


# The divide inside Kazakhstan from official statistics (the Bureau's SDG 17.8.1) ------------
OFFICIAL = "The divide inside Kazakhstan: official statistics"
INTERNET_USE = "KZ.SDG.17.8.1"


@pytest.fixture(scope="module")
def bureau(ingested_home: Path, snapshot: Path) -> dict[str, Any]:
    """What the store holds of the Bureau's file, read without the report."""
    obs = Observatory(home=ingested_home, mirror=snapshot)
    regions = obs.indicator(["KAZ"], indicator=INTERNET_USE, by="region")
    return {
        "areas": list(obs.indicator(["KAZ"], indicator=INTERNET_USE, by="urbanisation")),
        "regions": {k: v for k, v in regions[-1].items() if k.startswith("KZ-") and v is not None},
        "year": regions[-1]["period"],
    }


def _md_section(markdown: str, heading: str) -> str:
    start = markdown.index(f"## {heading}\n")
    return markdown[start : markdown.index("\n## ", start + 1)]


def _md_rows(section: str) -> list[list[str]]:
    """The body rows of the Markdown tables whose first cell is a rank (1, 2, ...: one or two
    digits, not a year)."""
    return [
        line.strip().strip("|").strip().split(" | ")
        for line in section.splitlines()
        if re.match(r"\| \d{1,2} \| ", line)
    ]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_official_divide_gives_urban_and_rural_areas_and_every_region(
    rendered: dict[tuple[str, str], bytes], bureau: dict[str, Any], lang: str
) -> None:
    from infosoc.geo.kz_regions import kz_region_names

    tr = translations(lang).gettext
    section = _md_section(rendered[(lang, "md")].decode("utf-8"), tr(OFFICIAL))
    latest = bureau["areas"][-1]
    assert (latest["period"], latest["urban"], latest["rural"]) == ("2023", 95.7, 93.2)
    for area, value in (("Urban areas", 95.7), ("Rural areas", 93.2)):
        label = tr("%(area)s, %(year)s") % {"area": tr(area), "year": "2023"}
        cell = re.escape(format_percent(value, lang))
        assert re.search(rf"^\| {re.escape(label)} \| {cell}\[\^\d+\] \|$", section, re.M), label
    # Every region of 2023 (the 20 of the 2022 layout), ranked, with the store's value.
    assert bureau["year"] == "2023" and len(bureau["regions"]) == 20
    assert bureau["regions"]["KZ-62"] == 89.0 and bureau["regions"]["KZ-35"] == 97.6
    names = kz_region_names(lang, "2022")
    rows = _md_rows(section)
    assert [int(r[0]) for r in rows] == list(range(1, 21))
    shown = {r[1].split("<br>")[0]: r[2] for r in rows}
    assert shown == {names[c]: format_percent(v, lang) for c, v in bureau["regions"].items()}
    values = [
        bureau["regions"][c] for c in sorted(bureau["regions"], key=lambda c: -bureau["regions"][c])
    ]
    assert [r[2] for r in rows] == [format_percent(v, lang) for v in values]  # best first
    assert rows[0][1] == f"{names['KZ-35']}<br>*{tr('highest')}*"  # Karaganda, 97.6
    assert rows[-1][1] == f"{names['KZ-62']}<br>*{tr('lowest')}*"  # Ulytau, 89.0
    assert rows[-1][2] == format_percent(89.0, lang) and rows[0][2] == format_percent(97.6, lang)
    # 2022 is drawn in the same layout (20 regions): the change is shown, Ulytau +0.1.
    assert rows[-1][3] == "+" + format_number(0.1, lang, 1)
    ratio = format_number(97.6 / 89.0, lang, 2)
    label = tr("Best ÷ worst region, %(year)s") % {"year": "2023"}
    assert re.search(rf"^\| {re.escape(label)} \| {re.escape(ratio)}\[\^\d+\] \|$", section, re.M)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_official_divide_says_how_the_urban_rural_gap_moved_by_least_squares(
    rendered: dict[tuple[str, str], bytes], bureau: dict[str, Any], lang: str
) -> None:
    import numpy as np

    tr = translations(lang).gettext
    section = _md_section(rendered[(lang, "md")].decode("utf-8"), tr(OFFICIAL))
    years = [int(r["period"]) for r in bureau["areas"]]
    gaps = [r["urban"] - r["rural"] for r in bureau["areas"]]
    slope = np.polyfit(years, gaps, 1)[0]
    assert years[0] == 2011 and round(gaps[0], 1) == 21.8 and round(gaps[-1], 1) == 2.5
    assert slope < 0  # the gap closed
    paragraphs = [p for p in section.split("\n\n") if not p.startswith(("|", "#"))]
    sentence = next(p for p in paragraphs if "−" + format_number(-slope, lang, 2) in p)
    for part in (format_number(21.8, lang, 1), "2011", format_number(2.5, lang, 1), "2023"):
        assert part in sentence
    assert ("least squares" if lang == "en" else "наименьших квадратов") in sentence


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_official_divide_draws_the_regions_and_the_areas_in_the_html(
    rendered: dict[tuple[str, str], bytes], bureau: dict[str, Any], lang: str
) -> None:
    from infosoc.geo.kz_regions import kz_region_names

    tr = translations(lang).gettext
    page = _html(rendered, lang)
    section = _section(page, "official-divide")
    assert f">{escape(tr(OFFICIAL))}</h2>" in section
    svgs = re.findall(r"<svg\b.*?</svg>", section, flags=re.S)
    assert len(svgs) == 2  # the map of the regions, the lines of urban and rural areas
    the_map = svgs[0]
    assert len(the_map) < 80_000  # the outlines are simplified: 1.2 MB otherwise
    names = kz_region_names(lang, "2022")
    for code, value in bureau["regions"].items():  # each region drawn, with its value
        number = format_number(value, lang, 0 if float(value).is_integer() else 1)  # Vega's
        assert re.search(rf'aria-label="[^"]*{re.escape(number)}[^"]*{names[code]}"', the_map)
    assert escape(tr("Urban areas")) in svgs[1] and escape(tr("Rural areas")) in svgs[1]
    text = _text(section)
    assert format_percent(95.7, lang) in text and format_percent(93.2, lang) in text
    assert names["KZ-62"] in text and format_percent(89.0, lang) in text


def test_official_divide_cites_the_bureaus_file_and_release(
    reports: dict[str, CountryReport],
) -> None:
    report = reports["en"]
    section = next(s for s in report.sections if s.key == "official-divide")
    cells = [cell for _, cell in section.facts]
    # The Bureau's own tables (the comparison with ITU's estimate cites both, tested apart).
    tables = [t for t in section.tables if t.css != "two-measures"]
    cells += [cell for table in tables for row in table.rows for cell in row]
    cells += [cell for table in tables for cell in table.columns]
    cited = {n for cell in cells for n in cell.notes}
    cited |= {n for chart in section.charts for n in chart.source.notes}
    assert all(cell.notes for _, cell in section.facts)  # every key figure has its note
    assert all(chart.source.notes for chart in section.charts)
    notes = {n.number: n.text for n in report.notes}
    figures = {n for n in cited if not notes[n].startswith("Region boundaries")}
    assert figures and all("indicator_17-8-1.csv" in notes[n] for n in figures)
    assert all("2024-10-09" in notes[n] for n in figures)  # the Bureau's release
    # The map says whose outlines it draws: the official regions of geokz.
    the_map = section.charts[0]
    assert any("geokz" in notes[n] and "CC BY 4.0" in notes[n] for n in the_map.source.notes)


def test_official_divide_is_absent_for_another_country(ingested_home: Path, snapshot: Path) -> None:
    obs = Observatory(home=ingested_home, mirror=snapshot)
    report = collect(obs, "UZB", lang="ru", today=TODAY)
    assert [s.key for s in report.sections if s.key == "official-divide"] == []
    markdown = render(report, "md").decode("utf-8")
    assert translations("ru").gettext(OFFICIAL) not in markdown
    assert "indicator_17-8-1.csv" not in markdown


class _Until:
    """The store, answering as if the Bureau's file ended with ``last`` (or held nothing)."""

    def __init__(self, store: Any, last: str) -> None:
        self._store, self._last = store, last

    def breakdowns(self, code: str, entity: str) -> list[dict[str, Any]]:
        return [r for r in self._store.breakdowns(code, entity) if r["period"] <= self._last]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def _official_section(obs: Observatory, last: str, lang: str = "en") -> Any:
    from infosoc.report.context import Context
    from infosoc.report.localiser import Localiser
    from infosoc.report.notes import Notes
    from infosoc.report.sections.official_divide import official_divide_section

    loc = Localiser(lang)  # type: ignore[arg-type]
    with obs.reading() as store:
        notes = Notes(obs.sources(), loc)
        ctx = Context(obs, _Until(store, last), "KAZ", "Kazakhstan", loc, notes)  # type: ignore[arg-type]
        return official_divide_section(ctx)


def test_official_divide_never_compares_regions_across_a_redrawing(
    ingested_home: Path, snapshot: Path
) -> None:
    obs = Observatory(home=ingested_home, mirror=snapshot)
    section = _official_section(obs, "2022")  # 2022: 20 regions; 2021: 17
    regions, years = section.tables[0], section.tables[1]
    assert "2022" in regions.caption
    assert [c.text for c in regions.columns] == [
        "Rank",
        "Region",
        "Individuals using the internet, %",
    ]
    assert len(regions.rows) == 21  # the 20 regions and the country
    assert (
        "2022 is not compared with 2021: the regions were redrawn in between, so a region of one "
        "year is not the same territory in the other." in section.notes_after
    )
    marked = [row[0].text for row in years.rows if "†" in row[0].text]
    assert marked == ["2018 †", "2022 †"]
    assert any("2018: 16 → 17; 2022: 17 → 20" in note for note in section.notes_after)


def test_official_divide_without_the_bureaus_file_says_so(
    ingested_home: Path, snapshot: Path
) -> None:
    obs = Observatory(home=ingested_home, mirror=snapshot)
    section = _official_section(obs, "0", lang="kk")
    assert section.missing and "indicator_17-8-1.csv" in section.missing
    assert section.missing.startswith("Қоймада")  # in Kazakh
    assert not section.tables and not section.charts and not section.facts


def test_a_target_met_only_as_reported_says_so_and_cites_the_statement(
    rendered: dict[tuple[str, str], bytes],
) -> None:
    for lang, label in (("en", "as reported, not measured"), ("ru", "по официальным заявлениям")):
        text = rendered[(lang, "md")].decode("utf-8")
        row = next(
            line
            for line in text.splitlines()
            if line.startswith("| ")
            and "2019" in line
            and ("20,000" in line or "20\xa0000" in line)
        )
        assert label in row
        assert "centralasia.news/8780-20000-km-of-fibre-optic-cables" in text


def test_two_official_measures_of_internet_use_stand_side_by_side(
    reports: dict[str, CountryReport],
) -> None:
    section = next(s for s in reports["en"].sections if s.key == "official-divide")
    table = next(t for t in section.tables if t.css == "two-measures")
    assert [c.sub for c in table.columns[1:3]] == [
        "World Bank WDI",
        "Bureau of National Statistics",
    ]
    row = next(r for r in table.rows if r[0].text == "2022")
    assert [c.text for c in row[1:]] == ["92.3", "94.0", "1.7"]
    notes = {n.number: n.text for n in reports["en"].notes}
    assert any("API_IT.NET.USER.ZS" in notes[n] for n in row[1].notes)
    assert any("indicator_17-8-1.csv" in notes[n] for n in row[2].notes)
    assert any("neither replaces the other" in p for p in section.paragraphs)
