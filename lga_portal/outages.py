"""An outage of a part the portal can do without (the cache), logged once when it starts and
once when it ends, however many requests meet it meanwhile: one line, never a traceback."""

from __future__ import annotations

import logging


class LoggedOnce:
    """``failed(error)`` logs ``failing`` the first time, ``works()`` logs ``recovered`` once after.

    ``failing`` is a logging format whose last two arguments are the error's type and the first
    line of its message, after any ``args`` given to the constructor.
    """

    def __init__(self, logger: logging.Logger, failing: str, recovered: str, *args, recovered_level=logging.WARNING):
        self.logger = logger
        self.failing_message = failing
        self.recovered_message = recovered
        self.args = args
        self.recovered_level = recovered_level
        self.failing = False

    def failed(self, error: Exception) -> None:
        if not self.failing:
            self.failing = True
            first_line = (str(error).strip().splitlines() or [""])[0]
            self.logger.warning(self.failing_message, *self.args, type(error).__name__, first_line)

    def works(self) -> None:
        if self.failing:
            self.failing = False
            self.logger.log(self.recovered_level, self.recovered_message, *self.args)
