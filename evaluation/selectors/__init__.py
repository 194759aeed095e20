"""Read-only queries of the evaluation side, one module per part; they never write."""
