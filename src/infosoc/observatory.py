"""The public Python API: ``Observatory().egdi("KAZ")`` and friends. The CLI is a shell over it."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import settings
from .analysis import breakdowns, connectivity, download_time, egov
from .errors import InputError
from .geo.countries import country as geo_country
from .i18n import Lang
from .ingestion import (
    SNAPSHOT_KEY,
    build_from_snapshot,
    ingest_snapshot,
    parse_files,
    unclaimed,
)
from .limits import check_output, check_periods
from .records import Document, Progress, Records
from .sources import DOWNLOADABLE, REGISTRY, source_name
from .store import IngestResult, Store, writing

if TYPE_CHECKING:
    from .divide import Divide
    from .site import SiteResult

#: ``ingest("snapshot")``: every source of the shipped snapshot.
SNAPSHOT_SOURCE = "snapshot"


def _table(rows: list[dict[str, Any]]) -> Records:
    return Records(rows)


class Observatory:
    """Entry point to infosoc's data: ingest official sources and query what the store holds.

    ``home`` (or ``$INFOSOC_HOME``) is where the store and the download cache live;
    ``mirror`` (or ``$INFOSOC_MIRROR``) is a local folder laid out like the shared data folder,
    read instead of the network. Query methods return :class:`~infosoc.records.Records`: rows
    as dicts, with ``.to_arrow()`` and ``.to_pandas()`` for analysis.
    """

    def __init__(
        self,
        home: Path | str | None = None,
        mirror: Path | str | None = None,
        *,
        progress: Progress | None = None,
    ) -> None:
        self.home = settings.home_dir(home)
        self._mirror = mirror
        self._reading: Store | None = None
        #: Told (done, total, description) while a store is first built from the snapshot.
        self._progress = progress
        self._synced = False  # whether the store was checked against the shipped snapshot

    @property
    def _cache(self) -> Path:
        return settings.cache_dir(self.home)

    @property
    def store_path(self) -> Path:
        return settings.store_path(self.home)

    @cached_property
    def divide(self) -> Divide:
        """The digital divide inside a country: :class:`infosoc.divide.Divide`."""
        from .divide import Divide

        return Divide(self.home, self._mirror)

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """Hold one read-only store open for every query inside the block.

        Many queries in a row (a report asks about a hundred) then share one connection and
        its memo of answers, instead of opening the file for each method.
        """
        if self._reading is not None:
            yield self._reading
            return
        store = self._open_for_reading()
        self._reading = store
        try:
            yield store
        finally:
            self._reading = None
            store.close()

    @contextmanager
    def _store(self) -> Iterator[Store]:
        if self._reading is not None:
            yield self._reading
            return
        store = self._open_for_reading()
        try:
            yield store
        finally:
            store.close()

    # the store's first filling -------------------------------------------------------------
    def _open_for_reading(self) -> Store:
        """The store, read-only: built from the shipped snapshot when there is none yet (first
        use); taking in a newer shipped snapshot (after an upgrade of infosoc) when it was
        built from an older one. A store built otherwise (``ingest --from``) is as it is."""
        from .snapshot import snapshot_digest

        self._ensure_store()
        store = Store(self.store_path, read_only=True)
        if self._synced:
            return store
        self._synced = True  # once per Observatory: the check is one small query
        held = store.meta(SNAPSHOT_KEY)
        if held is None or held == snapshot_digest():
            return store
        store.close()
        self.ingest_snapshot()
        return Store(self.store_path, read_only=True)

    def _ensure_store(self) -> None:
        """Build the store from the shipped snapshot when there is none yet (first use)."""
        if not self.store_path.exists():
            self.build_from_snapshot()

    def ingest_snapshot(self, *, progress: Progress | None = None) -> list[IngestResult]:
        """Ingest every source of the shipped snapshot into the store (building it when there
        is none): files the store holds already are ``unchanged``, newer ones are added
        beside the older vintages. The store then records the snapshot it holds."""
        if not self.store_path.exists():
            return self.build_from_snapshot()
        return ingest_snapshot(self.store_path, self._cache, progress or self._progress)

    def build_from_snapshot(self) -> list[IngestResult]:
        """Fill a new store with every source of the data snapshot shipped in the package.

        The store is written beside its final place and moved there whole, so a second
        process never sees it half-built; an existing store is left as it is (and nothing
        is returned). Queries call this by themselves on first use.
        """
        return build_from_snapshot(self.store_path, self._cache, self._progress)

    # ingest -------------------------------------------------------------------------------
    def ingest(
        self,
        source: str = "all",
        *,
        mirror: Path | str | None = None,
        editions: list[str] | None = None,
        refresh: bool = False,
        progress: Progress | None = None,
    ) -> list[IngestResult]:
        """Ingest one source (or ``"all"``) in a single transaction: every file or none.

        ``"snapshot"`` ingests every source of the shipped snapshot (:meth:`ingest_snapshot`).
        With a mirror folder (argument, constructor or ``$INFOSOC_MIRROR``) files are read
        from it; otherwise they are downloaded into the cache (``"all"`` then means every
        source that can be downloaded).
        """
        if source == SNAPSHOT_SOURCE:
            return self.ingest_snapshot(progress=progress)
        folder = settings.mirror_dir(mirror if mirror is not None else self._mirror)
        if source == "all":
            names = list(REGISTRY) if folder is not None else list(DOWNLOADABLE)
        else:
            names = [source_name(source)]
        parsed, read = parse_files(names, folder, self._cache, editions, refresh, progress)
        # files no source reads, listed; one plainly meant for a source fails before any write
        skipped = unclaimed(folder, read) if source == "all" and folder is not None else []
        with writing(self.store_path) as store:
            results = store.ingest(parsed)
        return results + skipped

    # queries ------------------------------------------------------------------------------
    def sources(self) -> Records:
        """Every source version in the store, with its full provenance."""
        with self._store() as store:
            return _table(store.sources())

    def revisions(
        self, country: str, *, indicator: str, start: str | None = None, end: str | None = None
    ) -> Records:
        """How one indicator was revised for one country: its value in every release the
        store holds, period by period, with the release that answers a plain query marked
        (``answers``) and the change from the release before (docs/data-snapshot.md);
        ``start`` and ``end`` bound the periods."""
        _periods(start=start, end=end)
        from .analysis.revisions import revisions

        with self._store() as store:
            return Records(revisions(store, indicator, geo_country(country).iso3, start=start,
                                     end=end))  # fmt: skip

    def update(
        self, source: str = "all", *, progress: Progress | None = None
    ) -> list[IngestResult]:
        """Fetch the newest releases online (``source``, or every source that can be
        downloaded) and add what changed to the store, beside what it held.

        Starts from the snapshot when there is no store yet; the snapshot's files stay in the
        store as the older vintages. Each result says whether a file was ``added``, became a
        ``new version`` of its edition, or was ``unchanged``. Offline, or on any fault, a
        SourceError (or InputError) is raised and the store is exactly as it was.
        """
        names = list(DOWNLOADABLE) if source == "all" else [source_name(source)]
        if names[0] not in DOWNLOADABLE:
            can = ", ".join(DOWNLOADABLE)
            raise InputError(f"'{names[0]}' cannot be updated online; sources that can: {can}")
        self._ensure_store()
        parsed, _ = parse_files(names, None, self._cache, None, True, progress)
        with writing(self.store_path) as store:
            return store.ingest(parsed)

    def _panel(self) -> egov.Panel:
        with self._store() as store:
            return egov.load_panel(store)

    def egdi(self, country: str, *, lang: Lang = "en") -> Records:
        """Every E-Government Survey edition for one country, with level, class and changes."""
        return _table(egov.history(self._panel(), country, lang))

    def rank(
        self,
        period: str | None = None,
        *,
        region: str | None = None,
        top: int | None = None,
        around: str | None = None,
        window: int = 5,
        lang: Lang = "en",
    ) -> Records:
        """An edition's EGDI ranking (``period``, a survey year such as "2022"; the latest by
        default), by region, top N or around a country."""
        from .indices.egdi import edition_year

        year = edition_year(period)
        return _table(
            egov.ranking(
                self._panel(), year, region=region, top=top, around=around, window=window, lang=lang
            )
        )

    def compare(
        self, countries: Iterable[str], indicator: str = "egdi", *, lang: Lang = "en"
    ) -> Records:
        """One E-Government Survey indicator (egdi, osi, tii, hci, epi or rank) for several
        countries: a row per edition and country, ``year, iso3, country, indicator, value``."""
        return Records(egov.compare(self._panel(), list(countries), indicator, lang))

    def egdi_check(self, period: str | None = None) -> Records:
        """Per edition (or the one ``period`` names, e.g. "2022"): EGDI against
        mean(OSI, TII, HCI), and recomputed ranks against the published ones."""
        from .indices.egdi import edition_year

        return _table(egov.check_editions(self._panel(), edition_year(period)))

    def article(self, *, lang: Lang = "en") -> Document:
        """The review article's claims, each with the value computed from the store, a verdict
        and, in ``lang``, the claim in short and the explanation of a difference.

        A document of kind ``article`` whose rows are its ``claims`` (docs/article-claims.md).
        """
        from .analysis import article

        with self._store() as store:
            return article.evaluate(store, lang)

    # connectivity ------------------------------------------------------------------------
    def indicator(
        self,
        countries: str | Iterable[str],
        *old: Iterable[str],
        indicator: str | None = None,
        start: str | None = None,
        end: str | None = None,
        by: str | None = None,
        lang: Lang = "en",
    ) -> Records:
        """An indicator (e.g. "IT.NET.USER.ZS") by period for one or more countries: a row per
        period and country, ``indicator, period, iso3, country, value, unit, source``, and
        the label, unit, method and files cited in ``metadata``
        (:func:`infosoc.analysis.connectivity.indicator_table`).

        With ``by`` (a breakdown key: "region", "urbanisation", "sex", "technology", "speed",
        ...) exactly one country is allowed and each row is a period with the total and one
        column per value of the key; conflicting cells are None and listed in
        ``metadata["conflicts"]`` (:func:`infosoc.analysis.breakdowns.indicator_by`). The old
        order ``indicator(code, countries)`` still works, with a DeprecationWarning."""
        _periods(start=start, end=end)
        if old and indicator is None and isinstance(countries, str):
            note = (
                "indicator(code, countries) is deprecated; use indicator(countries, indicator=code)"
            )
            warnings.warn(note, DeprecationWarning, stacklevel=2)
            indicator, countries = countries, old[0]
        if not indicator:
            raise InputError("give the indicator: indicator=CODE (-i CODE on the command line)")
        places = [countries] if isinstance(countries, str) else list(countries)
        with self._store() as store:
            if by is not None:
                return Records(*breakdowns.indicator_by(store, indicator, places, by, start=start,
                                                        end=end))  # fmt: skip
            return Records(*connectivity.indicator_table(store, indicator, places, start, end,
                                                         lang))  # fmt: skip

    def speed(
        self,
        country: str,
        *,
        source: str | None = None,
        network: str | None = None,
        measure: str | None = "download",
        start: str | None = None,
        end: str | None = None,
    ) -> Records:
        """Internet speeds held for a country, each with its statistic, method and unit
        (:func:`infosoc.analysis.connectivity.speed_table`). ``source`` is a registry name
        ("ookla-sgi", "cableco", ...), ``network`` "fixed" or "mobile", ``measure`` "download",
        "latency", ... or None for all; a None source or network keeps them all."""
        _periods(start=start, end=end)
        if network not in (None, "fixed", "mobile"):
            raise InputError(f"network must be fixed or mobile, not '{network}'")
        chosen = source_name(source) if source is not None else None
        with self._store() as store:
            rows = connectivity.speed_table(store, country, source=chosen, network=network,
                                            measure=measure, start=start, end=end)  # fmt: skip
        return Records(rows)

    def penetration(self, country: str) -> Records:
        """Internet users / population against the published share, year by year
        (:func:`infosoc.analysis.connectivity.penetration`)."""
        with self._store() as store:
            return Records(connectivity.penetration(store, country))

    def peers(
        self,
        country: str,
        indicator: str,
        *,
        by: connectivity.PeerBy = "region",
        members: Iterable[str] = (),
        period: str | None = None,
        lang: Lang = "en",
        higher_is_better: bool = True,
    ) -> Records:
        """A country's peers on one indicator, ranked, with each peer's value over the
        country's (``ratio_to_reference``; the country is the ``reference``)
        (:func:`infosoc.analysis.connectivity.peer_ranking`)."""
        _periods(period=period)
        with self._store() as store:
            return Records(connectivity.peer_ranking(
                store, country, indicator, by=by, members=list(members), period=period,
                lang=lang, higher_is_better=higher_is_better,
            ))  # fmt: skip

    def ratio(
        self, first: str, second: str, *, indicator: str, period: str | None = None
    ) -> Records:
        """``first`` / ``second`` on one indicator, in ``period`` (default: the latest period
        both have a value in): one row, ``indicator, period, a, b, value_a, value_b, ratio``."""
        _periods(period=period)
        with self._store() as store:
            return Records([connectivity.ratio(store, indicator, first, second, period)])

    def growth(
        self, country: str, *, indicator: str, start: str, end: str, lang: Lang = "en"
    ) -> Records:
        """Absolute, per cent and compound annual growth of one indicator for one country
        between the periods ``start`` and ``end``: one row, ``indicator, iso3, country,
        start, end, start_value, end_value, change, change_pct, years, cagr_pct``."""
        _periods(start=start, end=end)
        with self._store() as store:
            return Records([connectivity.growth_row(store, indicator, country, start, end, lang)])

    @staticmethod
    def download_time(
        size: str,
        speed: str,
        convention: download_time.Convention = "cableco",
        *,
        lang: Lang = "en",
    ) -> Records:
        """How long ``size`` ("5GB") takes at ``speed`` ("4.66Mbps"): one row, ``size, speed,
        megabits, mbps, seconds, human`` ("2 h 26 min", in ``lang``) and ``convention`` (the
        units used, stated in ``lang``)."""
        return Records([asdict(download_time.download_time(size, speed, convention, lang))])

    # composite indices -------------------------------------------------------------------
    def index_build(self, index: str, *, period: str | None = None) -> Document:
        """Build an index (a shipped recipe such as ``egdi``, or a TOML file) from the store:
        a document of kind ``index`` (:func:`infosoc.indices.documents.index_document`)."""
        from .indices.documents import index_document

        return index_document(index, period, self._store)

    def whatif(
        self, index: str, country: str, changes: dict[str, float], *, period: str | None = None
    ) -> Document:
        """Rebuild an index with one country's raw values changed, everything else fixed: a
        document of kind ``whatif`` (:func:`infosoc.indices.documents.whatif_document`)."""
        from .indices.documents import whatif_document

        return whatif_document(index, country, changes, period, self._store)

    def audit(
        self,
        index: str,
        *,
        period: str | None = None,
        samples: int = 1000,
        seed: int = 0,
        sobol_samples: int = 2048,
        **assumptions: Any,
    ) -> Document:
        """Audit an index as the JRC does: availability, correlations, PCA, uncertainty of every
        rank (Monte Carlo) and the sensitivity of ranks to each assumption (Sobol); a document
        of kind ``audit`` (:func:`infosoc.indices.documents.audit_document`).

        ``assumptions`` (``weight_noise``, ``normalisers``, ``aggregators``, ``imputations``)
        override the defaults; an assumption that cannot apply is an error before anything runs.
        """
        from .indices.documents import audit_document

        return audit_document(
            index,
            period,
            self._store,
            samples=samples,
            seed=seed,
            sobol_samples=sobol_samples,
            assumptions=assumptions,
        )

    # programme targets -------------------------------------------------------------------
    def targets(
        self,
        country: str,
        *,
        file: Path | str | None = None,
        as_of: date | str | None = None,
        lang: Lang = "en",
    ) -> Document:
        """A country's declared programme targets, each met, missed, on or off track, or
        impossible to check, with the evidence, a projection and a scorecard; titles, reasons
        and methods in ``lang``. A document of kind ``targets`` whose rows are its
        ``targets`` (docs/targets.md).

        Each status says what it rests on (``evidence``: ``"statistics"``, or ``"reported"``
        when a value reported in an official statement decides it; the scorecard counts them
        apart), and each official series measuring a target is judged side by side in
        ``measured_by``. ``file`` is a registry of targets in YAML (docs/targets.md); by
        default the ones shipped with infosoc. ``as_of`` (a date or "YYYY-MM-DD", default
        today) decides which deadlines have passed.
        """
        from .analysis.targets import evaluate_targets

        day = _as_date(as_of)
        registry = Path(file) if file is not None else None
        with self._store() as store:
            return evaluate_targets(store, country, registry=registry, as_of=day, lang=lang)

    # SWOT --------------------------------------------------------------------------------
    def swot(
        self,
        country: str,
        *,
        rules: Path | str | None = None,
        lang: Lang = "en",
        targets: dict[str, Any] | None = None,
    ) -> Document:
        """An evidence-based SWOT: the items the rules find in the data (shipped rules, or a
        YAML file of your own), each with its evidence, and the review article's own SWOT
        item by item, supported, contradicted or untestable; every sentence in ``lang``.

        A document of kind ``swot`` whose rows are its ``items`` (docs/swot.md).
        ``targets``: a result of :meth:`targets` already computed, for the targets rule;
        by default it is computed when a rule needs it.
        """
        from .analysis import swot

        def scorecard(iso3: str) -> dict[str, Any]:
            return targets if targets is not None else self.targets(iso3)

        with self._store() as store:
            return swot.swot(store, country, rules=rules, lang=lang, targets=scorecard)

    # report ------------------------------------------------------------------------------
    def report(
        self,
        country: str,
        *,
        lang: Lang = "en",
        to: str | Sequence[str] = "html",
        out: Path | str | None = None,
        progress: Progress | None = None,
    ) -> list[Path]:
        """Write the country report on ``country`` in each format of ``to`` (``"html"``,
        ``"pdf"``, ``"md"``, or several: ``"html,pdf"`` or a list) into the folder ``out``
        (default: the current folder), and return the paths written, in the order asked:
        ``infosoc-report-KAZ-ru.html`` and the like (docs/report.md).

        Every format comes from one gathering of the data; nothing is written unless every
        format could be. ``progress`` is told each step as it starts.
        """
        out = check_output(out if out is not None else ".", "out", folder=True)
        from .report.render import write_reports

        return write_reports(self, country, lang=lang, formats=to, out_dir=out, progress=progress)

    def site(
        self,
        out: Path | str,
        *,
        lang: str | Sequence[str] = "en,ru,kk",
        countries: str | Sequence[str] | None = "all",
        progress: Progress | None = None,
    ) -> SiteResult:
        """Write the static web observatory into ``out`` (docs/site.md): every page in each
        language of ``lang``, a page for each of ``countries`` (the 193 member states by
        default), charts, downloads under ``data/`` and the search index. A rebuild redraws
        and rewrites only what changed."""
        check_output(out, "out", folder=True)
        from .site import build_site

        return build_site(self, out, langs=lang, countries=countries, progress=progress)

    def rank_interval(
        self,
        index: str,
        country: str,
        *,
        period: str | None = None,
        samples: int = 1000,
        seed: int = 0,
    ) -> dict[str, Any]:
        """One country's nominal rank and its 5-95 % Monte Carlo interval in a rebuilt index
        (the audit's default assumptions, without the Sobol analysis) for the data ``period``."""
        from .indices.documents import rank_interval

        return rank_interval(index, country, period, self._store, samples=samples, seed=seed)

    def rank_intervals(
        self, index: str, *, period: str | None = None, samples: int = 1000, seed: int = 0
    ) -> Records:
        """Every country's nominal rank and 5-95 % Monte Carlo interval in a rebuilt index, from
        one run of :meth:`rank_interval`'s analysis: a row per unit, with ``samples``, ``seed``
        and the run's notes in ``metadata``."""
        from .indices.documents import rank_intervals

        rows, notes = rank_intervals(index, period, self._store, samples=samples, seed=seed)
        return Records(
            rows, {"samples": str(samples), "seed": str(seed), "notes": "; ".join(notes)}
        )


def _periods(**given: str | None) -> None:
    """Refuse a period argument that is not a period such as 2022, 2020-Q1 or 2020-04."""
    check_periods(given)


def _as_date(value: date | str | None) -> date | None:
    """A date from a date or an ISO "YYYY-MM-DD" string."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"'{value}' is not a date such as 2026-11-26") from None
