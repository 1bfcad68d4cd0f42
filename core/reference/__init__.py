"""Reference code beside the product: the linkage server, its TLS helper and synth.

``renkei server``, ``renkei demo``, the tests and the benchmarks use these as
the terminal's peer and as its (synthetic) data; no production module imports
them (the import contract in pyproject.toml keeps it so). Import the modules
themselves (``core.reference.runner``, ``core.reference.synth``…): this package
loads nothing on its own.
"""
