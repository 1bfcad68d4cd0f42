"""Subcommands of ``renkei``: one module per command (or group of commands).

Each module defines ``register(sub, common)`` which adds its parser(s) to
``sub`` (an ``argparse`` sub-parsers object) using ``common`` as a parent, and
sets ``func`` to a callable ``(args) -> int`` returning the exit code. Modules
are discovered, so adding a command touches no other file. Modules whose name
starts with ``_`` are helpers, not commands.
"""
