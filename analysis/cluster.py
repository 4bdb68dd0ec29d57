"""Where the store's partitions run (``python -m analysis run --scheduler ...``).

``Executor(scheduler, n_workers)``; ``executor.run(fn, calls)`` yields ``(i, fn(*calls[i]))``
as the calls finish, in any order.  ``scheduler``:

* ``"sync"``: this process, one call after the other (no Dask; for debugging and comparison);
* ``"local"`` (default): a ``distributed.LocalCluster`` of ``n_workers`` processes on this
  machine, one thread each (default: one per core, fewer when memory is short:
  ``MEMORY_PER_WORKER`` each), with ``ANALYSIS_THREADS`` set so that the workers' torch
  threads share the cores instead of oversubscribing them;
* ``"tcp://HOST:PORT"``: an existing Dask scheduler (every worker needs this package, its
  requirements and the model weights installed).

The cluster starts on the first call that has work, so a run with nothing new starts none;
with ``local``, a phase of one partition (a small increment) runs in this process: starting
a cluster and loading the models in every worker would cost more (about 20 s here) than it saves.
At most ``WINDOW`` calls per worker thread are in flight: memory stays bounded by the
partition size, whatever the corpus size.  A worker process loads spaCy and the models
once (module-level memos in ``statements`` and ``scoring``) and keeps them for every
partition it runs.
"""
import logging
import os

from .errors import SchedulerUnreachable

MEMORY_PER_WORKER = 2 << 30  # bytes: spaCy, the stance and sentiment models and one partition
WINDOW = 2
CONNECT_TIMEOUT = 10  # seconds to reach a tcp:// scheduler before giving up


def default_workers() -> int:
    """One worker per core, no more than the available memory holds (at least one)."""
    import psutil

    return max(1, min(os.cpu_count() or 1, psutil.virtual_memory().available // MEMORY_PER_WORKER))


class Executor:
    """Runs partitions (see the module docstring); a context manager that closes the cluster."""

    def __init__(self, scheduler: str = "local", n_workers: int | None = None):
        if scheduler not in ("sync", "local") and not scheduler.startswith("tcp://"):
            raise ValueError(f"scheduler must be sync, local or tcp://HOST:PORT, not {scheduler!r}")
        self.scheduler, self.n_workers = scheduler, n_workers
        self.client = self.cluster = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        for thing in (self.client, self.cluster):
            if thing is not None:
                thing.close()
        self.client = self.cluster = None

    def _connect(self):
        """Start (or connect to) the cluster once; returns the Dask client."""
        if self.client is None:
            from distributed import Client, LocalCluster

            if self.scheduler == "local":
                n = self.n_workers or default_workers()
                env = {} if os.environ.get("ANALYSIS_THREADS") else \
                    {"ANALYSIS_THREADS": str(max(1, (os.cpu_count() or 1) // n))}
                self.cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                            dashboard_address=None, silence_logs=logging.ERROR, env=env)
                self.client = Client(self.cluster)
            else:
                try:
                    self.client = Client(self.scheduler, timeout=CONNECT_TIMEOUT)
                except (OSError, TimeoutError) as exc:  # refused, unknown host or no answer in time
                    raise SchedulerUnreachable(f"cannot reach the Dask scheduler {self.scheduler} "
                                               f"({type(exc).__name__}: {exc})") from None
        return self.client

    def run(self, fn, calls):
        """Yield ``(i, fn(*calls[i]))`` for every call as it finishes; an error in a call is raised here."""
        if not calls:
            return
        if self.scheduler == "sync" or (self.scheduler == "local" and self.client is None and len(calls) == 1):
            for i, args in enumerate(calls):
                yield i, fn(*args)
            return
        yield from self._run_dask(fn, calls)

    def _run_dask(self, fn, calls):
        from distributed import as_completed

        client = self._connect()
        pending = iter(enumerate(calls))
        index, running = {}, as_completed()

        def submit():
            i, args = next(pending, (None, None))
            if i is not None:
                future = client.submit(fn, *args, pure=False)
                index[future] = i
                running.add(future)

        for _ in range(WINDOW * max(1, sum(client.nthreads().values()))):
            submit()
        for future in running:
            result = future.result()
            i = index.pop(future)
            future.release()
            submit()
            yield i, result
