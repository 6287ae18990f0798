"""The SQL query count of each request, in a response header, for the benchmark only.

`utopia/bench.py` starts gunicorn with QUERY_COUNT_HEADER=1 (UTOPIA_QUERY_COUNT_HEADER) and
reads `X-Query-Count` to report how many queries each page costs in production conditions,
where DEBUG is off and `connection.queries` records nothing. Otherwise the middleware is not
even in MIDDLEWARE, and if it were, Django would drop it at start-up (MiddlewareNotUsed).
"""

from contextlib import ExitStack

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
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
        if not settings.UTOPIA_QUERY_COUNT_HEADER:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        counter = QueryCounter()
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(counter))
            response = self.get_response(request)
        response[HEADER] = str(counter.count)
        return response
