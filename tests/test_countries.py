"""The country resolver: codes and names in en/ru/kk, UN/WB/ITU aliases, M49 regions."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infosoc import UnresolvedCountriesError
from infosoc.geo import countries as c


@pytest.mark.parametrize(
    "text",
    [
        "Kazakhstan",
        "Казахстан",
        "Қазақстан",
        "KAZ",
        "kaz",
        "KZ",
        "398",
        "Kazakhstan ",
        "  kazakhstan",
        "Republic of Kazakhstan",
    ],
)
def test_kazakhstan_in_every_form(text: str) -> None:
    assert c.resolve(text) == "KAZ"


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        ("Georgia (Country)", "GEO"),
        ("Türkiye", "TUR"),
        ("Turkiye", "TUR"),
        ("Turkey", "TUR"),
        ("Republic of Moldova", "MDA"),
        ("Côte d'Ivoire", "CIV"),
        ("Cote d’Ivoire", "CIV"),
        ("Korea, Rep.", "KOR"),
        ("Republic of Korea", "KOR"),
        ("Iran (Islamic Republic of)", "IRN"),
        ("Micronesia (Federated States of)", "FSM"),
        ("Democratic Republic of the Congo", "COD"),
        ("Congo, Rep.", "COG"),
        ("Kyrgyz Republic", "KGZ"),
        ("Egypt, Arab Rep.", "EGY"),
        ("Россия", "RUS"),
        ("Ресей", "RUS"),
        ("Өзбекстан", "UZB"),
        ("Eswatini", "SWZ"),
        ("North Macedonia", "MKD"),
        ("Czech Republic", "CZE"),
        ("Hong Kong SAR, China", "HKG"),
        ("4", "AFG"),
        ("004", "AFG"),
    ],
)
def test_aliases_used_by_un_world_bank_and_itu(text: str, iso3: str) -> None:
    assert c.resolve(text) == iso3


def test_every_name_in_every_edition_resolves_to_193_member_states(egov_dir: Path) -> None:
    for path in sorted(egov_dir.glob("EGOV_DATA_*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            names = [row["Country Name"] for row in csv.DictReader(handle)]
        codes = c.resolve_many(names)
        assert len(set(codes.values())) == 193, path.name
        assert set(codes.values()) == {m.iso3 for m in c.member_states()}, path.name


def test_names_agree_with_unu_egov_iso3_codes(egov_dir: Path, test_data: Path) -> None:
    checked = 0
    # UNU-EGOV's copies with ISO3 codes are test fixtures (tests/data/egov), not shipped.
    for path in sorted((test_data / "egov").glob("unu-egov_egdi-*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                assert c.resolve(row["country-name"]) == row["country-code"], row
                checked += 1
    assert checked == 5 * 193


def test_m49_regions_agree_with_unu_egov_country_table(egov_dir: Path) -> None:
    path = egov_dir / "unu-egov_countries-data_EN.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter=";") if r["COUNTRY CODE"]]
    assert len(rows) == 193
    for row in rows:
        country = c.country(row["COUNTRY CODE"])
        assert country.un_member
        assert country.region == row["REGION"], row
        theirs = {"North America": "Northern America"}.get(row["SUB-REGION"], row["SUB-REGION"])
        assert (country.intermediate_region or country.subregion) == theirs, row


def test_every_member_state_has_three_names_and_a_region() -> None:
    members = c.member_states()
    assert len(members) == 193
    for m in members:
        assert m.region and m.subregion
        assert m.name_en and m.name_ru and m.name_kk
    kaz = c.country("KAZ")
    assert (kaz.name("en"), kaz.name("ru"), kaz.name("kk")) == (
        "Kazakhstan",
        "Казахстан",
        "Қазақстан",
    )


def test_unknown_names_are_all_listed_with_suggestions() -> None:
    with pytest.raises(UnresolvedCountriesError) as info:
        c.resolve_many(["Kazakstan", "Kazakhstan", "Uzbekistn", "Atlantis"])
    err = info.value
    assert set(err.unresolved) == {"Kazakstan", "Uzbekistn", "Atlantis"}
    assert "Kazakhstan (KAZ)" in err.unresolved["Kazakstan"]
    assert "Uzbekistan (UZB)" in err.unresolved["Uzbekistn"]
    assert "3 unknown country names" in str(err)
    assert "\n" not in str(err)


def test_region_names_match_all_m49_levels() -> None:
    assert c.match_area("asia") == ("region", "Asia")
    assert c.match_area("Central Asia") == ("subregion", "Central Asia")
    assert c.match_area("western africa") == ("intermediate_region", "Western Africa")
    with pytest.raises(Exception, match="did you mean Central Asia"):
        c.match_area("Centrall Asia")


@given(st.text(max_size=40))
def test_normalise_is_idempotent(text: str) -> None:
    once = c.normalise(text)
    assert c.normalise(once) == once


@given(
    st.sampled_from(c.all_countries()),
    st.sampled_from(["iso3", "iso2", "m49", "name_en"]),
    st.sampled_from(["", " ", "  "]),
    st.booleans(),
)
def test_codes_and_names_round_trip(country: c.Country, field: str, pad: str, upper: bool) -> None:
    text = getattr(country, field)
    text = text.upper() if upper else text.lower()
    assert c.resolve(pad + text + pad) == country.iso3


def test_the_geo_package_offers_the_resolver_whatever_else_is_imported() -> None:
    import importlib
    import pkgutil

    import infosoc.geo as geo

    before = {name: getattr(geo, name) for name in geo.__all__}
    for module in pkgutil.iter_modules(geo.__path__):
        importlib.import_module(f"infosoc.geo.{module.name}")
    assert {name: getattr(geo, name) for name in geo.__all__} == before
    assert geo.resolve("Қазақстан") == "KAZ" and geo.country("KAZ").iso3 == "KAZ"
