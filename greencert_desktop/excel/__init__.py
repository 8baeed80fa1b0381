"""Workbook writers and readers (openpyxl, python-calamine). No Qt."""
