"""Run a job with a hard time limit on a reusable daemon thread.

pyoxigraph releases the GIL while it evaluates, so a job running on another thread does not
block the caller, who waits at most ``timeout`` seconds. Python cannot interrupt that thread, so
a timed-out runner is abandoned (never reused) and the job keeps its CPU until the process ends:
the server retires the worker process once it has answered 503 (see :mod:`kg.server`), and the
CLI exits. The thread is a daemon so that an abandoned job never holds up interpreter exit.

Each calling thread has its own runner thread (a threaded server answers several requests at
once), created lazily: threads do not survive ``fork``.
"""

from __future__ import annotations

import os
import queue
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from kg.stores import QueryTimeout

T = TypeVar("T")

_Job = tuple[Callable[[], Any], "Future[Any]"]


class DeadlineRunner:
    """Runs jobs with a time limit, each calling thread on a runner thread of its own."""

    def __init__(self) -> None:
        self._local = threading.local()  # .jobs: the caller's queue, .pid: where it was made

    def run(self, job: Callable[[], T], timeout: float | None) -> T:
        """``job()``'s result, or :class:`QueryTimeout` after ``timeout`` s (None: no limit)."""
        if timeout is None:
            return job()
        future: Future[T] = Future()
        self._queue().put((job, future))
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            self._local.jobs = None  # the thread is busy for good: the next job gets a new one
            raise QueryTimeout(f"the query ran past the time limit of {timeout:g} s") from None

    def _queue(self) -> queue.SimpleQueue[_Job]:
        local = self._local
        jobs: queue.SimpleQueue[_Job] | None = getattr(local, "jobs", None)
        if jobs is None or local.pid != os.getpid():
            jobs = queue.SimpleQueue()
            local.jobs, local.pid = jobs, os.getpid()
            threading.Thread(target=_serve, args=(jobs,), daemon=True).start()
        return jobs


def _serve(jobs: queue.SimpleQueue[_Job]) -> None:
    """Run jobs from ``jobs`` forever, handing results and exceptions to their futures."""
    while True:
        job, future = jobs.get()
        try:
            future.set_result(job())
        except BaseException as error:  # delivered to the waiting caller
            future.set_exception(detached(error))


def detached(error: BaseException) -> BaseException:
    """``error`` without tracebacks (kept as a note), so that no frame of this thread survives.

    pyoxigraph results may only be dropped by the thread that made them; a traceback would carry
    them (in its frames' locals) to the caller's thread.
    """
    chain: BaseException | None = error
    seen: set[int] = set()
    while chain is not None and id(chain) not in seen:
        seen.add(id(chain))
        if chain.__traceback__ is not None:
            chain.add_note("".join(traceback.format_tb(chain.__traceback__)).rstrip())
            chain.__traceback__ = None
        chain = chain.__cause__ or chain.__context__
    return error
