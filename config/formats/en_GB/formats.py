"""British formats, except for what a form field holds: ISO dates first.

Django renders a date widget's value in the first of DATE_INPUT_FORMATS, which for en-gb is 01/03/2026. An
``<input type="date">`` only holds yyyy-mm-dd: given 01/03/2026 the browser shows an empty field and submits
nothing, so saving a form unchanged wiped its dates. With ISO first every date input, in every form
and in the admin, shows its value; dates typed the British way in a text field are still understood.
Dates shown as text (the ``date`` filter, DATE_FORMAT) stay British.
"""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-03-01: what <input type="date"> holds and sends
    "%d/%m/%Y",  # 01/03/2026
    "%d/%m/%y",  # 01/03/26
]
