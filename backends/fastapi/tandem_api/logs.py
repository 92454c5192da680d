"""JSON log lines in pino's shape (what apps/api writes), so one log pipeline reads both backends.

Each line: ``{"level":30,"time":<ms>,"service":"tandem-api",...bindings,...fields,"msg":"..."}``.
Nothing here ever logs a header, so a token cannot reach the logs.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from typing import Any, Dict, Optional, TextIO

LEVELS = {"trace": 10, "debug": 20, "info": 30, "warn": 40, "error": 50, "fatal": 60}


class Logger:
    def __init__(
        self,
        level: str = "info",
        stream: Optional[TextIO] = None,
        bindings: Optional[Dict[str, Any]] = None,
        _lock: Optional[threading.Lock] = None,
    ):
        self.level = level
        self._threshold = LEVELS.get(level, 100)  # "silent" logs nothing
        self._stream = stream
        self._bindings = {"service": "tandem-api", **(bindings or {})}
        self._lock = _lock or threading.Lock()

    def child(self, **bindings: Any) -> "Logger":
        return Logger(self.level, self._stream, {**self._bindings, **bindings}, self._lock)

    def enabled(self, level: str) -> bool:
        return LEVELS[level] >= self._threshold

    def log(self, level: str, msg: str, **fields: Any) -> None:
        if not self.enabled(level):
            return
        entry = {"level": LEVELS[level], "time": int(time.time() * 1000), **self._bindings}
        entry.update({k: v for k, v in fields.items() if v is not None})
        entry["msg"] = msg
        # ASCII-only JSON: a line is valid whatever encoding the process's stdout has.
        line = json.dumps(entry, separators=(",", ":"), default=str) + "\n"
        stream = self._stream or sys.stdout
        with self._lock:
            stream.write(line)
            stream.flush()

    def info(self, msg: str, **fields: Any) -> None:
        self.log("info", msg, **fields)

    def warn(self, msg: str, **fields: Any) -> None:
        self.log("warn", msg, **fields)

    def error(self, msg: str, **fields: Any) -> None:
        self.log("error", msg, **fields)

    def fatal(self, msg: str, **fields: Any) -> None:
        self.log("fatal", msg, **fields)


class _ToJson(logging.Handler):
    """Re-emits a standard-library log record (uvicorn's) as one of our JSON lines."""

    _LEVELS = {logging.DEBUG: "debug", logging.INFO: "info", logging.WARNING: "warn", logging.ERROR: "error"}

    def __init__(self, logger: Logger):
        super().__init__()
        self._logger = logger

    def emit(self, record: logging.LogRecord) -> None:
        level = "fatal" if record.levelno >= logging.CRITICAL else self._LEVELS.get(record.levelno, "info")
        err = None
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            err = {"type": type(error).__name__, "message": str(error), "stack": self.format(record)}
        self._logger.log(level, record.getMessage(), logger=record.name, err=err)


def route_server_logs(logger: Logger) -> None:
    """uvicorn's own log lines become JSON lines too, and its access log is off: ours (one line per
    request, with its id) replaces it, and uvicorn's would print query strings, where a careless
    client may put a token."""
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False
    access.disabled = True
    for name in ("uvicorn", "uvicorn.error", "uvicorn.asgi"):
        target = logging.getLogger(name)
        target.handlers.clear()
        target.propagate = False
    logging.getLogger("uvicorn.error").addHandler(_ToJson(logger))
    logging.getLogger("uvicorn.asgi").addHandler(_ToJson(logger))
