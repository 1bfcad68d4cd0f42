"""Widgets shared by the screens: the virtual table, the date input."""
