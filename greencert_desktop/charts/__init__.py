"""matplotlib figure builders over plain data. No Qt widgets."""
