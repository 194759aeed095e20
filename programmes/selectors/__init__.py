"""Read-only queries of the organisation side, one module per part; they never write."""
