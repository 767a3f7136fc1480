"""UN M49 regions (standard country or area codes for statistical use, UN Statistics Division).

Region, sub-region and, where M49 has one, intermediate region of every UN Member State
and of a few non-member economies that statistics often report. Kept as data, keyed by the
smallest M49 area, so that each ISO3 code appears exactly once.
"""

from __future__ import annotations

from typing import NamedTuple

from ..i18n import N_


class M49Area(NamedTuple):
    """Where a country sits in the M49 hierarchy."""

    region: str
    subregion: str
    intermediate_region: str | None


# (region, sub-region, intermediate region) -> ISO3 codes. Non-members are marked in
# NON_MEMBERS below; everything else here is one of the 193 UN Member States.
_AREAS: dict[tuple[str, str, str | None], str] = {
    ("Africa", "Northern Africa", None): "DZA EGY LBY MAR SDN TUN",
    (
        "Africa",
        "Sub-Saharan Africa",
        "Eastern Africa",
    ): "BDI COM DJI ERI ETH KEN MDG MWI MUS MOZ RWA SYC SOM SSD UGA TZA ZMB ZWE",
    ("Africa", "Sub-Saharan Africa", "Middle Africa"): "AGO CMR CAF TCD COG COD GNQ GAB STP",
    ("Africa", "Sub-Saharan Africa", "Southern Africa"): "BWA SWZ LSO NAM ZAF",
    (
        "Africa",
        "Sub-Saharan Africa",
        "Western Africa",
    ): "BEN BFA CPV CIV GMB GHA GIN GNB LBR MLI MRT NER NGA SEN SLE TGO",
    (
        "Americas",
        "Latin America and the Caribbean",
        "Caribbean",
    ): "ATG BHS BRB CUB DMA DOM GRD HTI JAM KNA LCA VCT TTO PRI",
    (
        "Americas",
        "Latin America and the Caribbean",
        "Central America",
    ): "BLZ CRI SLV GTM HND MEX NIC PAN",
    (
        "Americas",
        "Latin America and the Caribbean",
        "South America",
    ): "ARG BOL BRA CHL COL ECU GUY PRY PER SUR URY VEN",
    ("Americas", "Northern America", None): "CAN USA",
    ("Asia", "Central Asia", None): "KAZ KGZ TJK TKM UZB",
    ("Asia", "Eastern Asia", None): "CHN PRK JPN MNG KOR HKG MAC",
    ("Asia", "South-eastern Asia", None): "BRN KHM IDN LAO MYS MMR PHL SGP THA TLS VNM",
    ("Asia", "Southern Asia", None): "AFG BGD BTN IND IRN MDV NPL PAK LKA",
    (
        "Asia",
        "Western Asia",
        None,
    ): "ARM AZE BHR CYP GEO IRQ ISR JOR KWT LBN OMN QAT SAU SYR TUR ARE YEM PSE",
    ("Europe", "Eastern Europe", None): "BLR BGR CZE HUN POL MDA ROU RUS SVK UKR",
    ("Europe", "Northern Europe", None): "DNK EST FIN ISL IRL LVA LTU NOR SWE GBR",
    (
        "Europe",
        "Southern Europe",
        None,
    ): "ALB AND BIH HRV GRC ITA MLT MNE MKD PRT SMR SRB SVN ESP VAT",
    ("Europe", "Western Europe", None): "AUT BEL FRA DEU LIE LUX MCO NLD CHE",
    ("Oceania", "Australia and New Zealand", None): "AUS NZL",
    ("Oceania", "Melanesia", None): "FJI PNG SLB VUT",
    ("Oceania", "Micronesia", None): "KIR MHL FSM NRU PLW",
    ("Oceania", "Polynesia", None): "WSM TON TUV",
}

NON_MEMBERS = frozenset({"PRI", "HKG", "MAC", "PSE", "VAT"})

AREA_OF: dict[str, M49Area] = {
    iso3: M49Area(*key) for key, codes in _AREAS.items() for iso3 in codes.split()
}

MEMBER_STATES: frozenset[str] = frozenset(AREA_OF) - NON_MEMBERS

REGIONS: tuple[str, ...] = tuple(dict.fromkeys(key[0] for key in _AREAS))
SUBREGIONS: tuple[str, ...] = tuple(dict.fromkeys(key[1] for key in _AREAS))
INTERMEDIATE_REGIONS: tuple[str, ...] = tuple(
    dict.fromkeys(key[2] for key in _AREAS if key[2] is not None)
)

#: Every region, sub-region and intermediate region named above, marked so that the
#: catalogues translate them: the site shows these names through gettext.
AREA_NAMES: tuple[str, ...] = (
    N_("Africa"),
    N_("Northern Africa"),
    N_("Sub-Saharan Africa"),
    N_("Eastern Africa"),
    N_("Middle Africa"),
    N_("Southern Africa"),
    N_("Western Africa"),
    N_("Americas"),
    N_("Latin America and the Caribbean"),
    N_("Caribbean"),
    N_("Central America"),
    N_("South America"),
    N_("Northern America"),
    N_("Asia"),
    N_("Central Asia"),
    N_("Eastern Asia"),
    N_("South-eastern Asia"),
    N_("Southern Asia"),
    N_("Western Asia"),
    N_("Europe"),
    N_("Eastern Europe"),
    N_("Northern Europe"),
    N_("Southern Europe"),
    N_("Western Europe"),
    N_("Oceania"),
    N_("Australia and New Zealand"),
    N_("Melanesia"),
    N_("Micronesia"),
    N_("Polynesia"),
)
