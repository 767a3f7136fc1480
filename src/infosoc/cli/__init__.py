"""The ``infosoc`` command: a thin shell over :class:`infosoc.Observatory`."""

from __future__ import annotations

import gc
import sys

from . import connectivity, divide, egov, indices, ingest, report, site, swot, targets  # noqa: F401 - importing registers the commands
from .common import app

__all__ = ["app", "main"]


def main() -> None:
    """Console entry point."""
    try:
        app()
    except SystemExit as exc:
        # The command is over and the process ends: whatever is alive now lives until then.
        # Frozen, it is not walked once more by the collector while the interpreter shuts
        # down. This is the one place infosoc touches the collector (decision 0012).
        gc.freeze()
        sys.exit(exc.code)
