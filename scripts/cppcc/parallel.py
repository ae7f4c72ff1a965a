"""Use every core by forking: `fork_map` maps a function over many inputs, `Child` runs one call.

Forked processes inherit the parent's memory, so whatever the function needs (jieba's
dictionaries, the whole corpus) is loaded once, before the fork, and never pickled; only results
travel back, through a pipe. The one primitive, `Child`, is safe where multiprocessing's pool was
not: it forks from the calling thread and starts no thread of its own (a pool's handler threads
forked replacement workers while `mkdocs serve`'s threads held locks), and what it runs is an
argument, not a module global. A child ignores SIGINT and SIGTERM (Ctrl-C reaches a whole process
group: the parent alone decides, and stops its children with SIGKILL), dies with its parent on
Linux (PR_SET_PDEATHSIG, so that even `kill -9` of the build leaves no process), and ends by
`os._exit`, never running the parent's exit handlers or flushing its buffers. What a child sends
is framed (`FRAME`: a length, then a pickle), so that a worker of `fork_map` sends each chunk as
it is done and the parent loads it as it comes: neither holds a worker's whole share twice, as
objects and as one pickle. Where forking is unavailable, or for few inputs, the map runs in this
process.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import selectors
import signal
import struct
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MANY = 256  # inputs from which forking workers (a few ms each) pays off
STOPS = {signal.SIGINT, signal.SIGTERM}
TASK = struct.Struct("I")  # a chunk's number, as workers take them from a shared pipe
FRAME = struct.Struct("Q")  # the length of one pickled message from a child
PIPE_BYTES = 65536  # what a pipe holds on Linux: the tasks are all written before the workers start


def cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    return hasattr(os, "fork") and hasattr(signal, "pthread_sigmask")


@contextlib.contextmanager
def signals_blocked() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back from this thread (they arrive, if sent, at the end)."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _die_with(parent: int) -> None:
    """In a child: be killed when the thread that forked it ends (Linux), and end now if the
    parent is gone already."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (AttributeError, OSError):  # not Linux: the child ends at its next write to the parent
        pass
    if os.getppid() != parent:
        os._exit(1)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _send(fd: int, message: tuple | bytes) -> None:
    """One framed message to the parent: `message` pickled, or bytes pickled already."""
    data = message if isinstance(message, bytes) else pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
    write_all(fd, FRAME.pack(len(data)) + data)


class Child:
    """`func(*args)` in a forked process; `wait()` returns its value (or raises its exception),
    `kill()` ends it at once. The value is pickled back through a pipe; with `stream`, `func`
    returns an iterable whose items are pickled back one by one, and the value is their list."""

    def __init__(self, func: Callable, *args, stream: bool = False):
        read, write = os.pipe()
        self.pid, self.fd, self.data, self.status = None, read, bytearray(), None
        self.stream, self.items = stream, []
        self.said: tuple | None = None  # (True, value) or (False, exception), once sent
        parent = os.getpid()
        try:
            with signals_blocked():  # until the child ignores them, and this object knows it
                pid = os.fork()
                if pid == 0:
                    for number in STOPS:
                        signal.signal(number, signal.SIG_IGN)
                    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)
                    self._run(parent, read, write, func, args, stream)
                self.pid = pid
                os.close(write)
                write = -1
        except BaseException:  # a signal held back during the fork: the child goes too
            if write >= 0:
                os.close(write)
            self.kill()
            raise

    @staticmethod
    def _run(parent: int, read: int, write: int, func: Callable, args: tuple,
             stream: bool = False) -> None:
        status = 1
        try:
            _die_with(parent)
            os.close(read)
            try:
                if stream:  # (None, item) for each item, then (True, None)
                    for item in func(*args):
                        _send(write, (None, item))
                    result, status = (True, None), 0
                else:
                    result, status = (True, func(*args)), 0
            except BaseException as error:  # noqa: BLE001 - told to the parent, which raises it
                result = (False, error)
            try:
                message = pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
                if status:  # an exception must also load again on the other side
                    pickle.loads(message)
            except Exception as error:  # noqa: BLE001 - an unpicklable value or exception
                failed = result[1] if status else error
                message = pickle.dumps((False, RuntimeError(f"{type(failed).__name__}: {failed}")))
                status = 1
            _send(write, message)
        finally:
            os._exit(status)

    def _read(self) -> bool:
        """Read what the child has sent, and load each message it completes; False once the
        child has closed its end."""
        chunk = os.read(self.fd, 1 << 20)
        self.data += chunk
        while len(self.data) >= FRAME.size and self.said is None:
            (size,) = FRAME.unpack_from(self.data)
            if len(self.data) < FRAME.size + size:
                break
            message = pickle.loads(self.data[FRAME.size:FRAME.size + size])
            del self.data[:FRAME.size + size]
            if message[0] is None:
                self.items.append(message[1])
            else:
                self.said = message
        return bool(chunk)

    def _reap(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        self.status = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])

    def result(self):
        """What the child returned (a streaming child: the list of its items), once it has
        ended; its exception is raised here. It is read once: the parent lets it go."""
        if self.said is None:
            raise ChildProcessError(f"a forked worker ended with {self.status} and said nothing")
        (ok, value), self.said = self.said, None
        items, self.items = self.items, []
        if not ok:
            raise value
        return items if self.stream else value

    def wait(self):
        while self._read():
            pass
        self._reap()
        return self.result()

    def kill(self) -> None:
        """End the child now, if it is still running (its own children die with it)."""
        if self.pid is None and self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        elif self.pid is not None and self.status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self._reap()


def wait_all(children: list[Child]) -> list:
    """Every child's value, in order, reading all their pipes at once (a child blocks on a full
    pipe); on any error or interrupt, every child still running is killed."""
    try:
        with selectors.DefaultSelector() as selector:
            for child in children:
                selector.register(child.fd, selectors.EVENT_READ, child)
            while selector.get_map():
                for key, _ in selector.select():
                    if not key.data._read():
                        selector.unregister(key.fd)
                        key.data._reap()
        return [child.result() for child in children]
    finally:
        for child in children:
            child.kill()


def _work(func: Callable, inputs: Sequence, chunksize: int, tasks: int) -> Iterator[tuple]:
    """A worker's share of a map, chunk by chunk as they are taken from the pipe `tasks` until
    it is empty: (chunk's number, its values), each sent as soon as it is done."""
    while len(task := os.read(tasks, TASK.size)) == TASK.size:
        (chunk,) = TASK.unpack(task)
        yield chunk, [func(x) for x in inputs[chunk * chunksize:(chunk + 1) * chunksize]]


def fork_map(func: Callable[[T], R], inputs: Sequence[T], *, parallel: bool | None = None,
             chunksize: int = 1) -> list[R]:
    """[func(x) for x in inputs], in order; on every core if `parallel` (by default: for MANY
    inputs or more). Workers take chunks of `chunksize` inputs as they come free."""
    workers = min(cores(), len(inputs))
    if parallel is None:
        parallel = len(inputs) >= MANY
    if not parallel or workers < 2 or not can_fork():
        return [func(x) for x in inputs]
    chunksize = max(chunksize, -(-len(inputs) * TASK.size // PIPE_BYTES))
    chunks = -(-len(inputs) // chunksize)
    read, write = os.pipe()
    children: list[Child] = []
    try:
        write_all(write, b"".join(TASK.pack(i) for i in range(chunks)))
        os.close(write)
        write = None
        for _ in range(workers):
            children.append(Child(_work, func, inputs, chunksize, read, stream=True))
        os.close(read)
        read = None
        done = wait_all(children)
    finally:
        for fd in (read, write):
            if fd is not None:
                os.close(fd)
        for child in children:  # those started before an interrupt
            child.kill()
    results: list = [None] * chunks
    for share in done:
        for chunk, values in share:
            results[chunk] = values
    return [value for values in results for value in values]
