"""The pages shown in the main window's stacked area, one per navigation entry.

A page is a ``QWidget`` built with the open ``Register`` and calls services with it; it
never opens SQLAlchemy sessions itself.
"""
