"""The portal's settings (utopia/settings.py, production when DEBUG=0) with one addition for the
benchmark: each response says how many SQL queries it cost (querycount.py), outermost so that
every middleware's queries are counted."""

from utopia.settings import *  # noqa: F403
from utopia.settings import MIDDLEWARE

MIDDLEWARE = ["tests.perf.querycount.QueryCountHeaderMiddleware", *MIDDLEWARE]
