"""The HTTP API (``/api/v1/``): another door onto the same policy, actions and queries as the pages."""
