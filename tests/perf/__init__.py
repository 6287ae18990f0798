"""Development tooling that is not installed with the portal: the benchmark (`make bench`,
bench.py), the load and fault test (`make loadtest`, loadtest.py) and what they share.

No module here is named test_*: pytest collects none of it.
"""
