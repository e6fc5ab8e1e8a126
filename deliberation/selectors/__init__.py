"""Selectors read: querysets with the joins their pages need, a fixed number of queries."""
