"""Request validation: a query or a body -> a validated `RenderRequest`, or an `InvalidRequest` that says in plain
words what is wrong. The web side (POST /render, GET /render-stream, POST /validate) and the command line
(`tornado-render render`) read requests through it alike; a worker checks each request it takes with it again."""
