"""The 特別永住者証明書交付年月日未入力リスト as a PDF that prints every name right
and does not linger (seed 000 ②③).

- ``export``: ``export_list(rows, out, store=…, config=…, now=…)`` writes the
  PDF (the current search's rows and query, or the whole list and "") and
  returns where it is, when it goes and what did not print as is; callers go
  through ``Terminal.export_pdf`` (the TUI key and ``renkei pdf``).
- ``lifetime``: every PDF is recorded before it is written and deleted by a
  sweep: ``sweep_in(data_dir, now, STARTUP)`` when the TUI starts (no unlock
  needed), ``sweep_in(data_dir, now)`` on its timer (a PDF made before end of
  business expires at ``[schedule] send_time`` at the latest), ``renkei pdf
  --sweep`` from cron; ``active_in`` lists the ones still there.
- ``document``: the page (fpdf2, ``cell()`` only); ``coverage``: the check that
  every character prints; ``fonts``: where the fonts are.

Nothing is imported here, so that importing a light part does not load fpdf2.
"""
