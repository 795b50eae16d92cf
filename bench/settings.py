"""Settings for the benchmarks: the local settings, without DEBUG, on ``DATABASE_URL``.

DEBUG off matters: with it Django keeps every query in memory and the timings include that.
The scripts set ``DATABASE_URL`` before Django starts, so the base settings pick it up.
"""

from perspektive.settings.local import *  # noqa: F403

DEBUG = False
LOGGING = {"version": 1, "disable_existing_loggers": False}
DATABASES["default"]["CONN_MAX_AGE"] = None  # noqa: F405 (one connection for the whole run)
