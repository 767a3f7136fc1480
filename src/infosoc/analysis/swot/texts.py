"""The SWOT's sentences: numbers written for a sentence, templates filled with a finding's
numbers, and the one-sentence reason of an article item."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...i18n import Lang
from ..swot_words import PHRASES, phrase, word
from .checks import Finding
from .data import _Data
from .rules import Check


def number(value: float | int, lang: Lang, *, signed: bool = False) -> str:
    """A number for a sentence: four significant digits (whole numbers from 10,000), a decimal
    comma and a space between thousands in Russian and Kazakh."""
    if isinstance(value, int) or abs(value) >= 1e4:
        text = f"{value:,.0f}"
    else:
        text = f"{value:.4g}"
        if "e" in text:  # 4 significant digits of a tiny number: write it out
            text = f"{value:.6f}".rstrip("0").rstrip(".")
    if signed and value > 0:
        text = "+" + text
    if lang != "en":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


# --- texts ---------------------------------------------------------------------------------
_SIGNED = {"per_year", "peer_per_year"}
#: Per cents read best with one decimal.
_PERCENT = {"diff_pct", "change_pct", "share", "achieved"}


def _fill(template: str, finding: Finding, data: _Data) -> str:
    """A template filled with the finding's numbers, formatted for the language."""
    evidence = finding.evidence or {}
    values: dict[str, Any] = {
        "country": data.name,
        "label": evidence.get("label", ""),
        "value": evidence.get("value"),
        "period": evidence.get("period", ""),
        "unit": evidence.get("unit") or "",
        "peer_group": evidence.get("peer_group") or "",
        **finding.numbers,
    }
    shown: dict[str, str] = {}
    for key, value in values.items():
        if key == "dir":
            shown[key] = word(str(value), data.lang)
        elif value is None:
            shown[key] = "—"
        elif isinstance(value, float) and key in _PERCENT:
            shown[key] = number(round(value, 1), data.lang)
        elif isinstance(value, int | float):
            shown[key] = number(value, data.lang, signed=key in _SIGNED)
        else:
            shown[key] = str(value)
    return template.format(**shown)


def _reason(checks: Sequence[Check], findings: Sequence[Finding], data: _Data) -> str:
    """One sentence: what each check found (or why it could not), in the item's language."""
    parts = []
    for check, finding in zip(checks, findings, strict=True):
        if finding.holds is None:
            parts.append(finding.missing or "")
            continue
        text = _fill(PHRASES[check.test.kind][data.lang], finding, data)
        if finding.latest is not None:
            period, value = finding.latest
            latest = phrase("latest", data.lang, value=number(value, data.lang), period=period)
            text += f" ({latest})"
        parts.append(text)
    sentence = "; ".join(p for p in parts if p)
    return sentence[:1].upper() + sentence[1:] + "."
