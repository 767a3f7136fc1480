"""The public Python API: ``Observatory().egdi("KAZ")`` and friends. The CLI is a shell over it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

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
from .records import Progress, Records
from .sources import DOWNLOADABLE, REGISTRY
from .store import IngestResult, Store

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

    @property
    def divide(self) -> Any:
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
    def _store(self, *, read_only: bool = True) -> Iterator[Store]:
        if read_only and self._reading is not None:
            yield self._reading
            return
        store = self._open_for_reading() if read_only else Store(self.store_path)
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
        elif source in REGISTRY:
            names = [source]
        else:
            raise InputError(f"unknown source '{source}'; known: {', '.join(REGISTRY)}")
        parsed, read = parse_files(names, folder, self._cache, editions, refresh, progress)
        with self._store(read_only=False) as store:
            results = store.ingest(parsed)
        if source == "all" and folder is not None:
            results += unclaimed(folder, read)
        return results

    # queries ------------------------------------------------------------------------------
    def sources(self) -> Records:
        """Every source version in the store, with its full provenance."""
        with self._store() as store:
            return _table(store.sources())

    def revisions(
        self, code: str, country: str, *, start: str | None = None, end: str | None = None
    ) -> Records:
        """How one indicator was revised for one country: its value in every release the
        store holds, period by period, with the release that answers a plain query marked
        (``answers``) and the change from the release before (docs/data-snapshot.md);
        ``start`` and ``end`` bound the periods."""
        from .analysis.revisions import revisions

        iso3 = geo_country(country).iso3
        with self._store() as store:
            return _table(revisions(store, code, iso3, start=start, end=end))

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
        names = list(DOWNLOADABLE) if source == "all" else [source]
        for name in names:
            if name not in DOWNLOADABLE:
                raise InputError(
                    f"'{name}' cannot be updated online; sources that can: "
                    + ", ".join(DOWNLOADABLE)
                )
        self._ensure_store()
        parsed, _ = parse_files(names, None, self._cache, None, True, progress)
        with self._store(read_only=False) as store:
            return store.ingest(parsed)

    def _panel(self) -> egov.Panel:
        with self._store() as store:
            return egov.load_panel(store)

    def egdi(self, country: str, *, lang: Lang = "en") -> Records:
        """Every E-Government Survey edition for one country, with level, class and changes."""
        return _table(egov.history(self._panel(), country, lang))

    def rank(
        self,
        year: int | None = None,
        *,
        region: str | None = None,
        top: int | None = None,
        around: str | None = None,
        window: int = 5,
        lang: Lang = "en",
    ) -> Records:
        """An edition's EGDI ranking (latest by default), by region, top N or around a country."""
        return _table(
            egov.ranking(
                self._panel(), year, region=region, top=top, around=around, window=window, lang=lang
            )
        )

    def compare(self, countries: Iterable[str], indicator: str = "egdi") -> Records:
        """One indicator (egdi, osi, tii, hci, epi or rank) for several countries by edition."""
        return _table(egov.compare(self._panel(), list(countries), indicator))

    def egdi_check(self, year: int | None = None) -> Records:
        """Per edition: EGDI against mean(OSI, TII, HCI), and recomputed against published ranks."""
        return _table(egov.check_editions(self._panel(), year))

    def article(self) -> list[dict[str, Any]]:
        """The review article's claims, each with the value computed from the store and a verdict.

        A list of dicts rather than a table, because claimed values mix numbers and labels.
        """
        from .analysis import article

        with self._store() as store:
            return article.evaluate(store)

    # connectivity ------------------------------------------------------------------------
    def indicator(
        self,
        code: str,
        countries: Iterable[str],
        *,
        start: str | None = None,
        end: str | None = None,
        by: str | None = None,
    ) -> Records:
        """An indicator (e.g. "IT.NET.USER.ZS") by period for several countries, one column each.

        The result's ``metadata`` carries the indicator's label, unit and sources. With ``by``
        (a breakdown key: "region", "urbanisation", "sex", "technology", "speed", ...) exactly
        one country is allowed and each row is a period with the total and one column per
        value of the key; conflicting cells are None and listed in ``metadata["conflicts"]``
        (:func:`infosoc.analysis.breakdowns.indicator_by`).
        """
        if by is not None:
            with self._store() as store:
                rows, info = breakdowns.indicator_by(
                    store, code, list(countries), by, start=start, end=end
                )
            return Records(rows, info)
        with self._store() as store:
            rows, meta, sources = connectivity.indicator_table(
                store, code, list(countries), start, end
            )
        info = {k: str(v) for k, v in meta.items() if v is not None}
        info["sources"] = "; ".join(sources)
        return Records(rows, info)

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
        """Internet speeds held for a country, each with its statistic, method and unit."""
        with self._store() as store:
            return _table(connectivity.speed_table(
                store, country, source=source, network=network, measure=measure, start=start,
                end=end,
            ))  # fmt: skip

    def penetration(self, country: str) -> Records:
        """Internet users / population against the published share, year by year."""
        with self._store() as store:
            return _table(connectivity.penetration(store, country))

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
        """A country's peers on one indicator, ranked, with each peer's ratio to the country."""
        with self._store() as store:
            return _table(connectivity.peer_ranking(
                store, country, indicator, by=by, members=list(members), period=period,
                lang=lang, higher_is_better=higher_is_better,
            ))  # fmt: skip

    def ratio(
        self, indicator: str, first: str, second: str, period: str | None = None
    ) -> dict[str, Any]:
        """``first`` / ``second`` on one indicator (latest common period by default)."""
        with self._store() as store:
            return connectivity.ratio(store, indicator, first, second, period)

    def growth(self, indicator: str, country: str, start: str, end: str) -> dict[str, Any]:
        """Absolute, per cent and compound annual growth between two periods."""
        with self._store() as store:
            result = connectivity.growth_between(store, indicator, country, start, end)
        return {"indicator": indicator, "iso3": geo_country(country).iso3, **asdict(result)}

    @staticmethod
    def download_time(
        size: str, speed: str, convention: download_time.Convention = "cableco"
    ) -> dict[str, Any]:
        """How long ``size`` ("5GB") takes at ``speed`` ("4.66Mbps"), with the convention used."""
        return asdict(download_time.download_time(size, speed, convention))

    # composite indices -------------------------------------------------------------------
    def index_build(self, index: str, *, year: str | None = None) -> dict[str, Any]:
        """Build an index (a shipped recipe such as ``egdi`` or a TOML file) from the store."""
        definition = _definition(index, year)
        result = self._rebuild(definition)
        coin = result.coin
        scores, ranks = coin.index(), coin.ranks()
        return {
            "index": definition.name,
            "period": definition.data.period,
            "units": [
                {"unit": u, "score": scores[u], "rank": ranks[u]}
                for u in sorted(coin.units, key=lambda u: (ranks[u] is None, ranks[u] or 0, u))
            ],
            "missing_indicators": result.missing,
            "screened_out": coin.screened_out,
            "log": [asdict(entry) for entry in coin.log],
            "comparison": result.comparison,
        }

    def whatif(
        self, index: str, country: str, changes: dict[str, float], *, year: str | None = None
    ) -> dict[str, Any]:
        """Rebuild an index with one country's raw values changed, everything else fixed."""
        from .indices import rebuild

        definition = _definition(index, year)
        unit = country if definition.data.file is not None else geo_country(country).iso3
        return rebuild.whatif(self._rebuild(definition).coin, unit, changes)

    def audit(
        self,
        index: str,
        *,
        year: str | None = None,
        samples: int = 1000,
        seed: int = 0,
        sobol_samples: int = 2048,
        **assumptions: Any,
    ) -> dict[str, Any]:
        """Audit an index as the JRC does: availability, correlations, PCA, uncertainty of every
        rank (Monte Carlo) and the sensitivity of ranks to each assumption (Sobol).

        ``assumptions`` (``weight_noise``, ``normalisers``, ``aggregators``, ``imputations``)
        override the defaults; an assumption that cannot apply is an error before anything runs.
        """
        from .indices import audit, sensitivity

        coin, chosen, result, notes = self._uncertainty(index, year, samples, seed, assumptions)
        sobol = sensitivity.sobol(coin, chosen, n=sobol_samples)
        return {
            "index": coin.definition.name,
            "period": coin.definition.data.period,
            "units": result.units,
            "sensitivity": sobol.rows,
            "parameters": {**result.parameters, "sobol": sobol.parameters, "notes": notes},
            "availability": audit.availability(coin),
            "correlations": audit.correlations(coin),
            "pca": audit.pca(coin),
            "remove_one": audit.remove_one(coin),
        }

    # programme targets -------------------------------------------------------------------
    def targets(
        self,
        country: str,
        *,
        file: Path | str | None = None,
        as_of: date | str | None = None,
        lang: Lang = "en",
    ) -> dict[str, Any]:
        """A country's declared programme targets, each met, missed, on or off track, or
        impossible to check, with the evidence, a projection and a scorecard.

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
    ) -> dict[str, Any]:
        """An evidence-based SWOT: the items the rules find in the data (shipped rules, or a
        YAML file of your own), each with its evidence, and the review article's own SWOT
        item by item, supported, contradicted or untestable (docs/swot.md).

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
        from .report.render import write_reports

        return write_reports(self, country, lang=lang, formats=to, out_dir=out, progress=progress)

    def rank_interval(
        self,
        index: str,
        country: str,
        *,
        year: str | None = None,
        samples: int = 1000,
        seed: int = 0,
    ) -> dict[str, Any]:
        """One country's nominal rank and its 5-95 % Monte Carlo interval in a rebuilt index
        (the audit's default assumptions, without the slower Sobol analysis)."""
        from .geo.countries import resolve

        iso3 = resolve(country)
        _, _, result, notes = self._uncertainty(index, year, samples, seed, {})
        for unit in result.units:
            if unit.get("unit") == iso3 or unit.get("iso3") == iso3 or unit.get("code") == iso3:
                return {**unit, "samples": samples, "seed": seed, "notes": notes}
        raise InputError(f"{iso3} is not among the units of {index}")

    def _uncertainty(
        self,
        index: str,
        year: str | None,
        samples: int,
        seed: int,
        assumptions: dict[str, Any],
    ) -> tuple[Any, Any, Any, list[str]]:
        import numpy as np

        from .indices import uncertainty

        coin = self._rebuild(_definition(index, year)).coin
        notes = []
        normalised = coin.datasets["normalised"]
        if "aggregators" not in assumptions and bool((normalised[~np.isnan(normalised)] < 0).any()):
            # The default geometric alternative shifts zeros but cannot take values below 0;
            # say so, never skip it silently (a user who lists aggregators gets an error).
            assumptions["aggregators"] = ["nominal"]
            notes.append(
                "the geometric aggregator is left out of the defaults: the index's own "
                "normalisation gives values below 0"
            )
        chosen = uncertainty.Assumptions(samples=samples, seed=seed, **assumptions)
        chosen.validate(coin)
        return coin, chosen, uncertainty.run(coin, chosen), notes

    def _rebuild(self, definition: Any) -> Any:
        from .indices import rebuild

        if definition.data.file is not None:
            return rebuild.rebuild(None, definition)
        with self._store() as store:
            return rebuild.rebuild(store, definition)


def _as_date(value: date | str | None) -> date | None:
    """A date from a date or an ISO "YYYY-MM-DD" string."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"'{value}' is not a date such as 2026-11-26") from None


def _definition(index: str, year: str | None) -> Any:
    """A shipped recipe by name, or a definition file by path, for ``year`` if given."""
    from .indices.definition import load_definition, recipe, with_period

    if index.endswith(".toml") or Path(index).is_file():
        definition = load_definition(index)
        return with_period(definition, year) if year is not None else definition
    return recipe(index, year)
