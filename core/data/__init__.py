"""Tables the product reads (era table, …): data, not code."""
