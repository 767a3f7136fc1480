"""The ``infosoc`` command: a thin shell over :class:`infosoc.Observatory`."""

from __future__ import annotations

import sys

from . import connectivity, divide, egov, indices, ingest, report, swot, targets  # noqa: F401 - importing registers the commands
from .common import app

__all__ = ["app", "main"]


def main() -> None:
    """Console entry point."""
    try:
        app()
    except SystemExit as exc:
        sys.exit(exc.code)
