"""The evaluation pages, one module per part: thin views over selectors and services."""
