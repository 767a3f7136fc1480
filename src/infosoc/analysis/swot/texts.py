"""The SWOT's sentences in the reader's language: the texts of the data files, the phrases of
the reasons, the names of peer groups, numbers written for a sentence, and templates filled
with a finding's numbers.

Every text goes through the gettext catalogues (:mod:`infosoc.i18n`): English is the msgid,
and a user's text the catalogues do not know is shown as written (decision 0013).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ...i18n import N_, NC_, Lang, translations
from ...i18n.format import MISSING, format_number, format_significant

if TYPE_CHECKING:
    from .checks import Finding
    from .rules import Texts

#: The sentence of an article item's reason, by test kind (those that count countries are in
#: :func:`_reason_template`), and the phrases of ``not_evaluated``.
_PHRASES: dict[str, str] = {
    "peer_rank": N_("{label} {value} ({period}) ranks {rank} of {of} in «{peer_group}»"),
    "threshold": N_("{label} {value} ({period}) is {dir} {threshold}"),
    "trend": N_(
        "{label} went from {from_value} ({from_period}) to {value} ({period}), {per_year} a year"
    ),
    "rank": N_("{label}: place {from_value} ({from_period}) → place {value} ({period})"),
    "targets": N_(
        "{uncheckable} of {declared} declared programme targets ({share}%) cannot be "
        "checked; {achieved}% are achieved"
    ),
    "latest": N_("latest: {value} ({period})"),
    "no_indicator": N_("the store holds no {code}"),
    "no_value": N_("no value of {code} for {country}"),
    "no_value_upto": N_("no value of {code} for {country} up to {until}"),
    "no_value_in": N_("no value of {code} for {country} in {period}"),
    "too_short": N_(
        "the series of {code} for {country} does not reach back far enough from {period}"
    ),
    "no_group": N_("the peer group '{by}' cannot be formed: {detail}"),
    "no_targets": N_("the programme-targets scorecard is not available: {detail}"),
    "no_declared_targets": N_("the programme-targets scorecard declares no targets"),
    "no_targets_api": N_(
        "this version of infosoc has no programme-targets scorecard (Observatory.targets)"
    ),
    "targets_uncheckable": N_("share of declared programme targets that cannot be checked"),
    "targets_achieved": N_("share of declared programme targets achieved"),
}

#: The word a reason puts for ``{dir}``: beside a median, or beside a threshold.
_DIRECTIONS: dict[str, tuple[str, str]] = {
    "above": ("median", NC_("median", "above")),
    "below": ("median", NC_("median", "below")),
    "at_or_above": ("threshold", NC_("threshold", "at or above")),
    "under": ("threshold", NC_("threshold", "below")),
}

#: The names of peer groups that are not a place: by test, and the World Bank's income groups
#: by the name the store holds.
_GROUPS: dict[str, str] = {
    "neighbours": NC_("peer group", "neighbours of {country}"),
    "world": NC_("peer group", "all countries"),
    "low income": NC_("peer group", "low income"),
    "lower middle income": NC_("peer group", "lower-middle income"),
    "upper middle income": NC_("peer group", "upper-middle income"),
    "high income": NC_("peer group", "high income"),
}
#: The UN M49 regions and sub-regions, by their English name (the msgid).
M49_AREAS: tuple[str, ...] = (
    NC_("peer group", "Africa"),
    NC_("peer group", "Americas"),
    NC_("peer group", "Asia"),
    NC_("peer group", "Europe"),
    NC_("peer group", "Oceania"),
    NC_("peer group", "Northern Africa"),
    NC_("peer group", "Sub-Saharan Africa"),
    NC_("peer group", "Latin America and the Caribbean"),
    NC_("peer group", "Northern America"),
    NC_("peer group", "Central Asia"),
    NC_("peer group", "Eastern Asia"),
    NC_("peer group", "South-eastern Asia"),
    NC_("peer group", "Southern Asia"),
    NC_("peer group", "Western Asia"),
    NC_("peer group", "Eastern Europe"),
    NC_("peer group", "Northern Europe"),
    NC_("peer group", "Southern Europe"),
    NC_("peer group", "Western Europe"),
    NC_("peer group", "Australia and New Zealand"),
    NC_("peer group", "Melanesia"),
    NC_("peer group", "Micronesia"),
    NC_("peer group", "Polynesia"),
)
#: How each kind of peer group is formed.
_BASIS: dict[str, str] = {
    "region": N_("UN M49 region"),
    "subregion": N_("UN M49 sub-region"),
    "income": N_("World Bank income group ({period}), as held in the store"),
    "neighbours": N_("countries sharing a land border"),
    "world": N_("every country in the store"),
}

#: Placeholders shown with a sign, and per cents, which read best with one decimal.
_SIGNED = {"per_year", "peer_per_year"}
_PERCENT = {"diff_pct", "change_pct", "share", "achieved"}


def phrase(key: str, lang: Lang, **values: Any) -> str:
    """A phrase of the reasons or of ``not_evaluated`` in ``lang``, its placeholders filled."""
    return str(translations(lang).gettext(_PHRASES[key])).format(**values)


def few_peers(n: int, lang: Lang, **values: Any) -> str:
    """Why a check with too few peers was not evaluated, in ``lang``."""
    text = translations(lang).ngettext(
        "only {n} country of «{peer_group}» besides {country} has {code} in {period} "
        "({min} needed)",
        "only {n} countries of «{peer_group}» besides {country} have {code} in {period} "
        "({min} needed)",
        n,
    )
    return str(text).format(n=n, **values)


def localise(text: Texts, lang: Lang, context: str | None = None) -> str:
    """A data file's text in ``lang``: the catalogue's translation of its English; else the
    file's own text in ``lang`` (a user's file in the older three-language form); else the
    English as written."""
    t = translations(lang)
    found = str(t.pgettext(context, text.en) if context else t.gettext(text.en))
    if lang == "en" or found != text.en:
        return found
    own: str | None = getattr(text, lang, None)
    return own or text.en


def group_name(by: str, name: str, lang: Lang, country_name: str) -> str:
    """A peer group's name in ``lang``: its place (an M49 area), its income group, or what
    it is (the neighbours of a country, every country)."""
    if by in ("neighbours", "world"):
        return str(translations(lang).pgettext("peer group", _GROUPS[by])).format(
            country=country_name
        )
    return str(translations(lang).pgettext("peer group", _GROUPS.get(name, name)))


def group_basis(by: str, lang: Lang, period: str | None) -> str:
    """How a peer group of kind ``by`` was formed, in ``lang``."""
    return str(translations(lang).gettext(_BASIS[by])).format(period=period or MISSING)


def number(value: float | int, lang: Lang, *, signed: bool = False) -> str:
    """A number for a sentence, written the locale's way: four significant digits, whole
    numbers from 10,000 ("0.8628" in English, "0,8628" in Russian, "19 621 972")."""
    if isinstance(value, int) or abs(value) >= 1e4:
        text = format_number(round(value), lang, 0)
    else:
        text = format_significant(value, lang, 4)
    return "+" + text if signed and value > 0 else text


def fill(template: str, finding: Finding, country_name: str, lang: Lang) -> str:
    """A template filled with the finding's numbers, each written for ``lang``."""
    evidence = finding.evidence or {}
    values: dict[str, Any] = {
        "country": country_name,
        "label": evidence.get("label", ""),
        "value": evidence.get("value"),
        "period": evidence.get("period", ""),
        "unit": _unit(evidence.get("unit"), lang),
        "peer_group": evidence.get("peer_group") or "",
        **finding.numbers,
    }
    shown: dict[str, str] = {}
    for key, value in values.items():
        if key == "dir":
            context, word = _DIRECTIONS[str(value)]
            shown[key] = str(translations(lang).pgettext(context, word))
        elif value is None:
            shown[key] = MISSING
        elif isinstance(value, float) and key in _PERCENT:
            shown[key] = number(round(value, 1), lang)
        elif isinstance(value, int | float):
            shown[key] = number(value, lang, signed=key in _SIGNED)
        else:
            shown[key] = str(value)
    return template.format(**shown)


def reason(kinds: Sequence[str], findings: Sequence[Finding], country_name: str, lang: Lang) -> str:
    """One sentence in ``lang``: what each check (of the test ``kinds``) found, or why it
    could not."""
    parts = []
    for kind, finding in zip(kinds, findings, strict=True):
        if finding.holds is None:
            parts.append(finding.missing or "")
            continue
        text = fill(_reason_template(kind, finding, lang), finding, country_name, lang)
        if finding.latest is not None:
            period, value = finding.latest
            text += f" ({phrase('latest', lang, value=number(value, lang), period=period)})"
        parts.append(text)
    sentence = "; ".join(p for p in parts if p)
    return sentence[:1].upper() + sentence[1:] + "."


def _unit(unit: Any, lang: Lang) -> str:
    """A unit in ``lang`` when the catalogues know it, else as the store has it."""
    return str(translations(lang).pgettext("unit", str(unit))) if unit else ""


def _reason_template(kind: str, finding: Finding, lang: Lang) -> str:
    """The template of one check's part of a reason, in ``lang``."""
    t = translations(lang)
    peers = int(finding.numbers.get("peers") or 0)
    if kind == "peer_median":
        text = t.ngettext(
            "{label} {value} ({period}) is {diff_pct}% {dir} the median of «{peer_group}» "
            "({peer_median}, {peers} country)",
            "{label} {value} ({period}) is {diff_pct}% {dir} the median of «{peer_group}» "
            "({peer_median}, {peers} countries)",
            peers,
        )
    elif kind == "peer_trend":
        text = t.ngettext(
            "{label} went from {from_value} ({from_period}) to {value} ({period}), {per_year} a "
            "year, against a median of {peer_per_year} a year in «{peer_group}» ({peers} country)",
            "{label} went from {from_value} ({from_period}) to {value} ({period}), {per_year} a "
            "year, against a median of {peer_per_year} a year in «{peer_group}» ({peers} "
            "countries)",
            peers,
        )
    else:
        text = t.gettext(_PHRASES[kind])
    return str(text)
