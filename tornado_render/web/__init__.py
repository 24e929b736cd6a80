"""The HTTP face of the service: routes, handlers, request parsing, CORS, signatures, SSE, the OpenAPI document."""
