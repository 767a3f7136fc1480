"""infosoc's one translation mechanism: gettext catalogues, and Babel for numbers and dates.

Every user-facing string is English in the code and marked for translation:

- ``t = translations(lang)``, then ``t.gettext(text)`` for sentences and
  ``t.pgettext(context, text)`` for short labels, whose context ("column", "measure", "unit",
  ...) tells a translator where they appear; ``t.ngettext`` for plurals;
- ``N_(text)`` and ``NC_(context, text)`` mark a string kept in a table and translated later;
- Jinja2 templates use ``_()`` through the i18n extension.

The catalogues are ``locale/<lang>/LC_MESSAGES/infosoc.po`` (English is the msgid), compiled
in memory on first use, so a translator edits one ``.po`` file and sees the result with no
build step. ``babel.cfg`` says where ``pybabel extract`` looks (docs/translating.md), and a test
fails when a marked string lacks its Russian or Kazakh translation.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Literal

from babel.support import NullTranslations, Translations

from ..errors import InputError

Lang = Literal["en", "ru", "kk"]
LANGS: tuple[Lang, ...] = ("en", "ru", "kk")
DOMAIN = "infosoc"
LOCALE_DIR = Path(__file__).with_name("locale")

__all__ = [
    "DOMAIN",
    "LANGS",
    "LOCALE_DIR",
    "NC_",
    "N_",
    "Lang",
    "parse_lang",
    "po_path",
    "translations",
]


def parse_lang(lang: str) -> Lang:
    """``lang`` if infosoc speaks it, else an InputError naming the choices."""
    if lang not in LANGS:
        raise InputError(f"--lang must be en, ru or kk, not '{lang}'")
    return lang


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now."""
    return message


def NC_(context: str, message: str) -> str:
    """Mark ``message`` for extraction with its ``context``, without translating it now."""
    return message


def po_path(lang: str) -> Path:
    """The catalogue of ``lang``."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> NullTranslations:
    """The gettext translations of ``lang``, compiled in memory from its .po file (cached).

    English is the source language: its translations return every msgid unchanged.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    lang = parse_lang(lang)
    if lang == "en":
        return NullTranslations()
    with po_path(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    # Fuzzy entries are drafts: gettext falls back to English for them, as msgfmt would.
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)
