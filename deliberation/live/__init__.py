"""Live updates: the outbox (record in-transaction, publish on commit) and the consumer."""
