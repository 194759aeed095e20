"""Demo data: ``manage.py seed_demo`` and the builders it calls, one module per part of the product."""
