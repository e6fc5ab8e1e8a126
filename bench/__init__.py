"""``make bench``: the live-update benchmark against its floor, HTTP and transitions (issue 5)."""
