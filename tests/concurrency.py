"""Run one request (or one call) from many threads at once, each with its own database
connection, to prove that a limit holds under concurrency, not only one request after another.
Use with `@pytest.mark.django_db(transaction=True)`: each thread's writes must be committed for
the others to see them."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections


def concurrently(count: int, call):
    """`call(n)` for n in range(count), from `count` threads released together; the results in
    order. Each thread closes its database connections, so that the test database can be
    dropped afterwards."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "SQLite in memory: threads share one cache and fail with 'table is locked' instead "
            "of waiting; `make test` runs this in its second pass, on a file database"
        )
    barrier = threading.Barrier(count)

    def run(number):
        try:
            barrier.wait(timeout=30)
            return call(number)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))
