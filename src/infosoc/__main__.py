"""``python -m infosoc`` runs the CLI."""

from .cli import main

main()
