"""HTTP plumbing shared by every route: middleware, request-body limits,
per-client limits, addresses, the page's languages, uvicorn's websocket protocol."""
