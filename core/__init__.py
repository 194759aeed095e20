"""What is not the organisation's domain, below the three apps: dates in words, form helpers and one-time form
tokens, CSV cells, pagination, SVG charts, email through Celery, and the security middleware. It imports
Django and libraries only, never ``programmes``, ``mentoring``, ``evaluation`` or ``config``."""
