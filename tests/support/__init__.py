"""Helpers shared by the tests: a real SSE client, server processes, the fake render driver."""
