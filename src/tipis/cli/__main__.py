"""``python -m tipis.cli``: the same as the ``tipis`` command."""

from tipis.cli import main

main()
