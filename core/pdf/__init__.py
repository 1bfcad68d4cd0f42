"""The 特別永住者証明書交付年月日未入力リスト as a PDF that prints every name right
and does not linger (seed 000 ②③).

- ``export.export_list``: the one call of the TUI key and ``renkei pdf``;
- ``document``: the page (fpdf2, ``cell()`` only), ``coverage``: the check that
  every character prints, ``fonts``: where the fonts are;
- ``lifetime``: the record of every PDF written and the sweeps that delete them.

Nothing is imported here, so that importing a light part does not load fpdf2.
"""
