"""Run a local test server in a forked child process.

A benchmark's SMTP sink and push service do real work for every message (SMTP parsing,
VAPID checks, decryption). In the benchmark's own process they would share one interpreter
lock with each other, and every reply would wait for the other's turn: the benchmark would
measure its stubs' lock, not the portal. A real relay or push service is another machine.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def shared_counter():
    """A count the child process increments and this process reads."""
    return multiprocessing.get_context("fork").Value("q", 0)


@contextmanager
def forked(serve: Callable[[], None]) -> Iterator[int]:
    """Call `serve()` (which serves until killed) in a child process for the length of the block.
    Fork before this process starts threads of its own: a child gets only the forking thread."""
    pid = os.fork()
    if pid == 0:  # the child: serve, and never return into the caller's code
        try:
            serve()
        finally:
            os._exit(0)
    try:
        yield pid
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
