"""Development tooling that is not installed with the portal:

- bench.py, the benchmark (`make bench`), and loadtest.py, the load and fault test
  (`make loadtest`), on what they share in harness.py (database, Redis, gunicorn, client);
- large_network.py, the large network they run on, made with the test factories;
- pages.py, the table of the pages measured; settings.py and querycount.py, the benchmark's
  settings, which add each response's SQL query count.

No module here is named test_*: pytest collects none of it. tests/perf_smoke/ builds a tiny
large network and requests every page of the table, so that the tooling cannot rot.
"""
