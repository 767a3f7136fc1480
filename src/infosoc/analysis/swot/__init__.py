"""An evidence-based SWOT: rules over the store's indicators, and the review article's own SWOT.

Rules live in ``swot_rules.yaml`` beside this module (or in a user's file), the article's twenty
items in ``article_swot.yaml``; both are validated with pydantic when loaded. A rule compares one
indicator with the median of a peer group, follows its trend, or its rank between editions, and
yields an item only when the data hold it: every item carries its evidence (value, period, peer
median, source file). A rule without data yields no item and is listed, with the reason, under
``not_evaluated``. docs/swot.md describes the rules and the verdicts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ...geo.countries import country
from ...i18n import Lang, translations
from ...records import Document
from ...store import Store
from . import texts
from .checks import Finding, evaluate_check
from .data import CountryData, PeerGroup
from .rules import (
    KINDS,
    VERDICTS,
    ArticleFile,
    Check,
    Kind,
    Rule,
    RulesFile,
    TargetsFn,
    Texts,
    Verdict,
    load_article,
    load_rules,
)
from .texts import fill, localise, number

__all__ = [
    "KINDS", "VERDICTS", "ArticleFile", "Check", "Finding", "Kind", "PeerGroup", "Rule",
    "RulesFile", "TargetsFn", "Texts", "Verdict", "evaluate_check", "load_article", "load_rules",
    "number", "swot", "unfilled",
]  # fmt: skip


def _deciding_evidence(findings: Sequence[Finding], verdict: Verdict) -> dict[str, Any] | None:
    """The evidence of the check that decided the verdict: the first that failed when the item
    is contradicted, else the first with data."""
    wanted = [f for f in findings if f.holds is False] if verdict == "contradicted" else []
    return next((f.evidence for f in [*wanted, *findings] if f.evidence is not None), None)


def _verdict(findings: Sequence[Finding]) -> Verdict:
    """Supported when every check holds; contradicted when any fails; else untestable."""
    if any(f.holds is False for f in findings):
        return "contradicted"
    if findings and all(f.holds is True for f in findings):
        return "supported"
    return "untestable"


# --- the SWOT ------------------------------------------------------------------------------
def _items(
    rules: Iterable[Rule], data: CountryData
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The items the rules yield, and the rules that could not be evaluated, with why."""
    items: list[dict[str, Any]] = []
    not_evaluated: list[dict[str, Any]] = []
    for rule in rules:
        finding = evaluate_check(rule, data)
        if finding.holds is None or finding.evidence is None:
            not_evaluated.append({"rule": rule.id, "kind": rule.kind, "reason": finding.missing})
        elif finding.holds:
            text = fill(localise(rule.text, data.lang), finding, data.name, data.lang)
            items.append(
                {"kind": rule.kind, "rule": rule.id, "text": text, "evidence": finding.evidence}
            )
    items.sort(key=lambda item: KINDS.index(item["kind"]))
    return items, not_evaluated


def _article(article: ArticleFile, data: CountryData) -> list[dict[str, Any]]:
    """The article's items, each with a verdict, a one-sentence reason and its evidence."""
    out = []
    order = {k: i for i, k in enumerate(KINDS)}
    for item in sorted(article.items, key=lambda i: (order[i.kind], i.number)):
        if item.checks is None:
            assert item.untestable is not None
            verdict: Verdict = "untestable"
            reason, evidence = str(translations(data.lang).gettext(item.untestable)), None
        else:
            findings = [evaluate_check(c, data, article.as_of) for c in item.checks]
            verdict = _verdict(findings)
            kinds = [c.test.kind for c in item.checks]
            reason = texts.reason(kinds, findings, data.name, data.lang)
            evidence = _deciding_evidence(findings, verdict)
        out.append(
            {
                "kind": item.kind,
                "number": item.number,
                "text": str(translations(data.lang).gettext(item.text)),
                "text_ru": item.quote,
                "text_en": item.text,
                "text_kk": str(translations("kk").gettext(item.text)),
                "verdict": verdict,
                "reason": reason,
                "evidence": evidence,
            }
        )
    return out


def _peer_groups(data: CountryData) -> dict[str, Any]:
    """Each peer group the checks used: its name, how it was formed, its members."""
    out: dict[str, Any] = {}
    for by, group in sorted(data.groups_used().items()):
        if isinstance(group, str):
            out[by] = {"name": None, "basis": None, "members": None, "error": group}
        else:
            out[by] = {
                "name": group.label(data.lang, data.iso3),
                "basis": group.basis(data.lang),
                "members": len(group.members),
            }
    return out


def swot(
    store: Store,
    code: str,
    *,
    rules: Path | str | RulesFile | None = None,
    lang: Lang = "en",
    targets: TargetsFn | None = None,
) -> Document:
    """A country's SWOT from the rules (the shipped ones by default), and the article's SWOT,
    every sentence in ``lang``.

    ``targets`` gives the programme-targets scorecard for the rules that read it
    (``Observatory.targets``); without it those rules are not evaluated, and say why.
    Returns a document of kind ``swot`` whose rows are its ``items``, with the keys
    ``country, lang, peer_groups, items, article, summary, not_evaluated`` (docs/swot.md).
    """
    iso3 = country(code).iso3
    rule_set = rules if isinstance(rules, RulesFile) else load_rules(rules)
    article_swot = load_article()
    checks = [*rule_set.rules, *(c for item in article_swot.items for c in item.checks or ())]
    store.prefetch_series(c.indicator for c in checks if c.indicator is not None)
    data = CountryData(store, iso3, lang, targets)
    items, not_evaluated = _items(rule_set.rules, data)
    article = _article(article_swot, data)
    summary: dict[str, Any] = {k: sum(1 for i in items if i["kind"] == k) for k in KINDS}
    summary["article"] = {v: sum(1 for a in article if a["verdict"] == v) for v in VERDICTS}
    content = {
        "country": iso3,
        "lang": lang,
        "peer_groups": _peer_groups(data),
        "items": items,
        "article": article,
        "summary": summary,
        "not_evaluated": not_evaluated,
    }
    return Document("swot", content, "items")


_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def unfilled(text: str) -> list[str]:
    """Template placeholders left in a text (none should be): for tests and checks."""
    return _PLACEHOLDER.findall(text)
