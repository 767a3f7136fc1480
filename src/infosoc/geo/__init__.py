"""Geography: countries (ISO3, names in en/ru/kk, UN M49 regions)."""

from .countries import (
    LANGS,
    Country,
    Lang,
    all_countries,
    country,
    lookup,
    member_states,
    resolve,
    resolve_many,
)

__all__ = [
    "LANGS",
    "Country",
    "Lang",
    "all_countries",
    "country",
    "lookup",
    "member_states",
    "resolve",
    "resolve_many",
]
