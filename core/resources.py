"""Process-wide limits: memory caps of the processes that read untrusted files (header
readers, worker pool), and private file modes for what the service writes."""

from __future__ import annotations

import os
import resource


def cap_address_space(megabytes: float | None) -> None:
    """Limit this process's address space (``RLIMIT_AS``) to ``megabytes`` MB.

    An allocation past the cap fails (``MemoryError`` in Python, numpy and zlib)
    instead of taking the host's memory. The cap is inherited by children.

    Parameters
    ----------
    megabytes : float or None
        The cap, MB; None leaves the process unlimited.
    """
    if megabytes is None:
        return
    cap = int(megabytes * 1024 * 1024)
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def peak_rss_bytes() -> int:
    """The largest resident memory this process has used so far, bytes (Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def private_files() -> None:
    """Make every file this process creates from now on private to its user.

    Sets the umask to ``077``: new files are 0600 and new folders 0700 (uploads,
    results, figures, the job database), inherited by child processes.
    """
    os.umask(0o077)
