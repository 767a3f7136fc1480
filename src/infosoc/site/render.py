"""Pages written from the Jinja2 templates beside this module, in one language each, and the
static files with content-hashed names."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from ..charts import number_locale
from ..files import write_atomically
from ..i18n import Lang, translations
from ..i18n.format import MISSING
from .downloads import write_if_changed
from .model import Page

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
#: The language names in the switch, each in its own language.
LANG_NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақша"}


@cache
def environment(lang: Lang) -> Any:
    """A Jinja2 environment speaking ``lang``, escaping HTML, failing on undefined names."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


def templates_digest() -> str:
    """The SHA-256 of every template and static file: a page is rewritten when it changes."""
    sha = hashlib.sha256()
    for path in sorted([*TEMPLATES.rglob("*.j2"), *STATIC.rglob("*")]):
        if path.is_file():
            sha.update(path.name.encode())
            sha.update(path.read_bytes())
    return sha.hexdigest()


def relative_root(path: str) -> str:
    """From a page at ``{lang}/{path}`` back to the site's root: "../../" for "country/KAZ/"."""
    depth = 1 + path.count("/")
    return "../" * depth


def render_page(
    page: Page,
    lang: Lang,
    assets: dict[str, str],
    langs: tuple[Lang, ...],
    *,
    built: str,
    at_root: bool = False,
) -> str:
    """The page's HTML; ``built`` is the date the footer gives, ``at_root`` a page written at
    the site's root instead of in a language's folder."""
    root = "" if at_root else relative_root(page.path)
    template = environment(lang).get_template(page.template)
    html: str = template.render(
        page=page,
        lang=lang,
        langs=[(code, LANG_NAMES[code]) for code in langs],
        root=root,
        here=f"{root}{lang}/",
        assets={name: root + path for name, path in assets.items()},
        missing=MISSING,
        built=built,
        numerals=json.dumps(number_locale(lang), ensure_ascii=False),
        **page.context,
    )
    return html


def write_assets(out: Path) -> dict[str, str]:
    """Copy the static files under ``out/static`` with their content's hash in the name
    (``site.3f2a9c1d.css``), so they can be cached for good; returns name -> path."""
    assets = {}
    for path in sorted(STATIC.iterdir()):
        if not path.is_file():
            continue
        data = path.read_bytes()
        short = hashlib.sha256(data).hexdigest()[:10]
        name = f"static/{path.stem}.{short}{path.suffix}"
        write_if_changed(out / name, data)
        assets[path.name] = name
    assets["vega.js"] = _vega_bundle(out)
    return assets


def _vega_bundle(out: Path) -> str:
    """Vega and vega-embed for the "Interactive" button, built offline by vl-convert; built
    once per vl-convert version, since the bundling takes seconds."""
    import vl_convert as vlc

    version = getattr(vlc, "__version__", "unknown")
    marker = out / "static" / "vega-bundle.json"
    if marker.is_file():
        known = json.loads(marker.read_text(encoding="utf-8"))
        if known.get("vl_convert") == version and (out / known["file"]).is_file():
            return str(known["file"])
    # The page's own script calls the globals this snippet sets.
    bundle = vlc.javascript_bundle("window.vegaEmbed = vegaEmbed; window.vega = vega;").encode(
        "utf-8"
    )
    name = f"static/vega.{hashlib.sha256(bundle).hexdigest()[:10]}.js"
    write_if_changed(out / name, bundle)
    note = {"vl_convert": version, "file": name}
    write_atomically(marker, json.dumps(note).encode("utf-8"))
    return name
