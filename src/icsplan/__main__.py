"""``python -m icsplan``: the icsplan command."""

from icsplan.cli import main

main()
