"""Everything a person touches: the ``renkei`` command line and the Textual app.

Textual is imported only when the app starts, so scripted commands start fast.
"""
