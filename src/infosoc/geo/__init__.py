"""Geography: countries (ISO3, names in en/ru/kk, UN M49 regions)."""

from .countries import (
    Country,
    all_countries,
    country,
    lookup,
    member_states,
    resolve,
    resolve_many,
)

__all__ = [
    "Country",
    "all_countries",
    "country",
    "lookup",
    "member_states",
    "resolve",
    "resolve_many",
]
