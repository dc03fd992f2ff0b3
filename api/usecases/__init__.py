"""The use cases both faces call: the JSON API (api/routes) and the staff console (api/console).

Each function takes the app's shared objects (``AppState``), the signed-in ``Principal`` and parsed input,
and answers plain data or raises ``ApiError`` (status + message). Neither face re-checks a rule the other
checks, and the console never calls the JSON API over HTTP (shared/design/style.md, "The web face").
"""
