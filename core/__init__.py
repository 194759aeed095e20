"""What is not the organisation's domain, below the three apps: dates in words, form helpers and one-time form
tokens, one-line text, ids in URLs, CSV cells, pagination, SVG charts, the ``Hook`` class the apps' hooks are
made of, email through Celery, password rules, and the security middleware and input guard. It imports Django
and libraries only, never ``programmes``, ``mentoring``, ``evaluation`` or ``config``."""
