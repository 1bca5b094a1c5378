"""Serving with several processes (README, "Serving"; docs/architecture.md, "Serving").

`WorkerPidMiddleware` names the process that answered in an `X-Worker-Pid` header. It is on only when
SERVE_PID_HEADER is set (tests and bench/bench_http.py use it to see that every worker serves); a production
server never tells its process ids.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

WORKER_PID_HEADER = "X-Worker-Pid"


class WorkerPidMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response[WORKER_PID_HEADER] = str(os.getpid())
        return response
