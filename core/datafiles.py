"""Reading the product's tables: CSV data files inside the package.

Every table (layouts, codes, 別紙 patterns, eras, …) is a CSV under the
package whose lines starting with ``#`` are comments: the reading of the seed
that had to be decided is recorded there, beside the data. One reader for all.
"""

from __future__ import annotations

import csv
from importlib import resources


def csv_rows(package: str, relpath: str) -> list[dict[str, str]]:
    """The rows of the CSV ``relpath`` in ``package`` (header first, comments skipped)."""
    text = (resources.files(package) / relpath).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return [dict(row) for row in csv.DictReader(lines)]
