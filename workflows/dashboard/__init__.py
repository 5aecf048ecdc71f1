"""The controllers' dashboard: the money of two programme years in charts and tables, and a map of the members."""
