"""The organisation's forms, one module per part."""
