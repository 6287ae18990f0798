"""The SQL query count of each request, in a response header, for the benchmark.

The benchmark's gunicorn runs with tests/perf/settings.py, which puts this middleware first, and
reads `X-Query-Count` to report how many queries each page costs in production conditions,
where DEBUG is off and `connection.queries` records nothing. The portal's own settings never
install it.
"""

from contextlib import ExitStack

from django.db import connections

HEADER = "X-Query-Count"


class QueryCounter:
    """A database execute wrapper that counts the statements sent, whatever their outcome."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class QueryCountHeaderMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = QueryCounter()
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(counter))
            response = self.get_response(request)
        response[HEADER] = str(counter.count)
        return response
