"""Oversight pages, one module per part: committee reports in ``views_reports``."""
