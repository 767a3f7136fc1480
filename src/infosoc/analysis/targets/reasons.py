"""Why a programme target has its status, in the reader's language: the sentences of a
target's ``reason`` and of its projection's ``method``.

Every sentence is a msgid of the gettext catalogues (:mod:`infosoc.i18n`); a clause that two
sentences share (the goal, the projection, the latest value) is translated on its own and put
into the sentence through a placeholder.
"""

from __future__ import annotations

from typing import Any

from ...i18n import N_, Lang, translations
from ...i18n.format import format_number, format_significant
from .registry import Target

#: A status as a reason names it (the same words the report uses).
STATUS_WORDS: dict[str, str] = {
    "met": N_("met"),
    "missed": N_("missed"),
    "on_track": N_("on track"),
    "off_track": N_("off track"),
    "no_data": N_("no data"),
}


def number(value: float, lang: Lang) -> str:
    """A value in a reason: whole from 1,000, else four significant digits."""
    if abs(value) >= 1000:
        return format_number(value, lang, 0)
    return format_significant(value, lang, 4)


def unit(text: str, lang: Lang) -> str:
    """A unit in ``lang`` when the catalogues know it, else as the registry gives it."""
    return str(translations(lang).pgettext("unit", text))


def status_word(status: str, lang: Lang) -> str:
    """A status (``on_track``) as words in ``lang`` ("on track")."""
    return str(translations(lang).gettext(STATUS_WORDS[status]))


def goal(target: Target, lang: Lang) -> str:
    """The target as a clause: "at least 82 % of population by 2022"."""
    t = translations(lang)
    if target.target.direction == "at_least":
        text = t.gettext("at least {value} {unit} by {deadline}")
    else:
        text = t.gettext("at most {value} {unit} by {deadline}")
    return str(text).format(
        value=number(target.target.value, lang),
        unit=unit(target.unit, lang),
        deadline=target.deadline,
    )


def projected(projection: dict[str, Any], level: int, lang: Lang) -> str:
    """The projection as a clause, with its prediction interval when it has one."""
    t = translations(lang)
    values = {"value": number(projection["value"], lang), "period": projection["period"]}
    if projection["low"] is None:
        return str(t.gettext("the trend projects {value} for {period}")).format(**values)
    text = t.gettext(
        "the trend projects {value} for {period} ({level}% prediction interval {low} to {high})"
    )
    return str(text).format(
        level=level,
        low=number(projection["low"], lang),
        high=number(projection["high"], lang),
        **values,
    )


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def reason(
    target: Target,
    status: str,
    observed: Any,
    projection: dict[str, Any] | None,
    *,
    count: int,
    passed: bool,
    early: bool,
    meets: bool,
    series: str | None,
    level: int,
    trend_years: int,
    lang: Lang,
) -> str:
    """One sentence saying why the target has its status. ``observed`` is the value that
    decides it or the latest one (with ``period`` and ``value``); ``count`` how many values
    were held; ``early``: it met the target before the deadline year; ``meets``: it meets the
    target; ``series``: the indicator judged, with its breakdown."""
    t = translations(lang)
    aim = goal(target, lang)
    if status in ("met", "missed") and observed is not None:
        shown = {"period": observed.period, "value": number(observed.value, lang), "goal": aim}
        if status == "missed":
            text = t.gettext("The {period} value, {value}, misses the target ({goal}).")
        elif early:
            text = t.gettext(
                "The {period} value, {value}, meets the target ({goal}); it was reached ahead "
                "of the deadline (the deadline year's value is not held)."
            )
        else:
            text = t.gettext("The {period} value, {value}, meets the target ({goal}).")
        return str(text).format(**shown)
    if status in ("on_track", "off_track") and projection is not None:
        if status == "on_track":
            text = t.gettext("{projection}, which meets the target ({goal}).")
        else:
            text = t.gettext("{projection}, which falls short of the target ({goal}).")
        return _upper(str(text).format(projection=projected(projection, level, lang), goal=aim))
    if observed is None:
        return _nothing_held(target, passed, series, aim, lang)
    latest = {"value": number(observed.value, lang), "period": observed.period, "goal": aim}
    if meets:
        clause = t.gettext(
            "the latest value, {value} in {period}, already meets the target ({goal})"
        )
    else:
        clause = t.gettext(
            "the latest value, {value} in {period}, does not meet the target ({goal})"
        )
    said = str(clause).format(**latest)
    if passed:
        year = target.deadline_date.year
        if projection is None:
            text = t.gettext("The deadline has passed but no value for {year} is held; {latest}.")
            return str(text).format(year=year, latest=said)
        text = t.gettext(
            "The deadline has passed but no value for {year} is held; {latest}, and {projection}."
        )
        return str(text).format(
            year=year, latest=said, projection=projected(projection, level, lang)
        )
    if count > 1:
        text = t.ngettext(
            "Only one value is held in the last {years} year, so no trend can be projected; "
            "{latest}.",
            "Only one value is held in the last {years} years, so no trend can be projected; "
            "{latest}.",
            trend_years,
        )
        return str(text).format(years=trend_years, latest=said)
    text = t.gettext("Only one value is held, so no trend can be projected; {latest}.")
    return str(text).format(latest=said)


def _nothing_held(target: Target, passed: bool, series: str | None, aim: str, lang: Lang) -> str:
    t = translations(lang)
    if target.indicator is None and not target.observed:
        text = t.gettext(
            "No official series measures this target and the registry gives no observed or "
            "reported value, so it cannot be checked ({goal})."
        )
        return str(text).format(goal=aim)
    where = {"series": series, "country": target.country, "goal": aim}
    if series and passed:
        text = t.gettext(
            "The store and the registry hold no value of {series} for {country} at or before "
            "the deadline ({goal})."
        )
    elif series:
        text = t.gettext(
            "The store and the registry hold no value of {series} for {country} yet ({goal})."
        )
    elif passed:
        text = t.gettext(
            "The store and the registry hold no observed value for {country} at or before the "
            "deadline ({goal})."
        )
    else:
        text = t.gettext(
            "The store and the registry hold no observed value for {country} yet ({goal})."
        )
    return str(text).format(**where)


def rests_on_reports(lang: Lang) -> str:
    """The sentence added when a reported value decides the status."""
    return str(
        translations(lang).gettext(
            "This rests on a value reported in an official statement, not on statistics."
        )
    )


def beyond_bounds(lang: Lang) -> str:
    """The sentence added when a share's straight line passes 0 or 100 %."""
    return str(
        translations(lang).gettext(
            "A share cannot pass 100 %: read the line as a direction, not a level."
        )
    )


def conflict(period: str, values: tuple[float, ...], lang: Lang) -> str:
    """The sentence added for a period left out because the source gives several values."""
    from babel.lists import format_list

    shown = format_list([number(v, lang) for v in values], locale=lang)
    text = translations(lang).ngettext(
        "{period} is left out: the source gives {count} value ({shown}).",
        "{period} is left out: the source gives {count} values ({shown}).",
        len(values),
    )
    return str(text).format(period=period, count=len(values), shown=shown)


def statements(count: int, lang: Lang) -> str:
    """The sentence added when official statements about the target give no value."""
    text = translations(lang).ngettext(
        "{count} official statement about it, without a value to judge it by, is listed.",
        "{count} official statements about it, without a value to judge them by, are listed.",
        count,
    )
    return str(text).format(count=count)


def side_by_side(measured: dict[str, Any], name: str | None, lang: Lang) -> str:
    """One sentence on another series' verdict, for the target's reason."""
    t = translations(lang)
    observed = measured["observed"]
    values: dict[str, Any] = {"series": name, "method": measured["method"]}
    if observed is None:
        if measured["method"]:
            text = t.gettext("Also measured by {series}, {method}: no value held.")
        else:
            text = t.gettext("Also measured by {series}: no value held.")
        return str(text).format(**values)
    values.update(
        status=status_word(measured["status"], lang),
        value=number(observed["value"], lang),
        period=observed["period"],
    )
    if measured["method"]:
        text = t.gettext("Also measured by {series}, {method}: {status}, {value} in {period}.")
    else:
        text = t.gettext("Also measured by {series}: {status}, {value} in {period}.")
    return str(text).format(**values)


def growth_unit(unit_text: str, lang: Lang) -> str:
    """The unit of a change per year in ``lang``: percentage points for shares, else the
    unit per year."""
    t = translations(lang)
    if is_share(unit_text):
        return str(t.gettext("percentage points per year"))
    return str(t.gettext("{unit} per year")).format(unit=unit(unit_text, lang))


def is_share(unit_text: str) -> bool:
    """Whether a unit is a percentage (its change per year is in percentage points)."""
    text = unit_text.strip().lower()
    return text.startswith("%") or "per cent" in text or "percent" in text


def method(
    *,
    n: int,
    span: str,
    slope: float,
    unit_text: str,
    level: int,
    trend_years: int,
    interval: bool,
    bounded: bool,
    lang: Lang,
) -> str:
    """How the projection was made: the line, the values it rests on, its interval."""
    t = translations(lang)
    if not interval:
        text = str(
            t.gettext(
                "straight line through the 2 values {span}; no prediction interval (two points "
                "leave no degrees of freedom)"
            )
        ).format(span=span)
    else:
        df = n - 2
        text = str(
            t.ngettext(
                "OLS linear trend on the {n} values {span} (at most the last {years} years), "
                "slope {slope} {unit}; {level}% prediction interval (Student's t, {df} degree "
                "of freedom)",
                "OLS linear trend on the {n} values {span} (at most the last {years} years), "
                "slope {slope} {unit}; {level}% prediction interval (Student's t, {df} degrees "
                "of freedom)",
                df,
            )
        ).format(
            n=n,
            span=span,
            years=trend_years,
            slope=("+" if slope > 0 else "") + format_significant(slope, lang, 3),
            unit=growth_unit(unit_text, lang),
            level=level,
            df=df,
        )
    if bounded:
        text += str(t.gettext("; a straight line ignores the 0-100 % bounds of a share"))
    return text
