"""Services write: keyword-only functions that change state and record their live event."""
