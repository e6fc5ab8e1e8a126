"""Legal rules as pure code, one module per body of law (see docs/law.md)."""
