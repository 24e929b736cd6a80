"""Batches: many RenderRequests posted at once (POST /batches), each an ordinary job, followed as one."""
