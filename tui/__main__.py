"""``python -m tui`` is the ``renkei`` command (tests use it to run the CLI)."""

from tui.cli import main

raise SystemExit(main())
