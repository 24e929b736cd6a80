"""The HTTP face of the service: routes, handlers, CORS, signatures, SSE, the OpenAPI document. Requests are read by
validation/; the render side and the storage are reached through AppState (state.py), never imported."""
