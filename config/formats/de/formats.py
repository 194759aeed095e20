"""German formats (Django's), except for what a form field holds: ISO dates first, as in en_GB (why: there)."""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-03-01: what <input type="date"> holds and sends
    "%d.%m.%Y",  # 01.03.2026
    "%d.%m.%y",  # 01.03.26
]
