"""viewflow Flow classes. Nodes call deliberation services; the domain never imports this."""
