"""Aiguilleur's outside world: Telegram, command line, dialogue, store and settings.

The program runs on one thread of computation per message; numpy's OpenBLAS, imported with the
compiled catalogues of large imports, would start one worker thread per core at import, which
costs about 65 ms of CPU at every start on two cores and serves nothing (the engine's array
arithmetic is sparse sums and sorts, not linear algebra). One thread is only the default: a
deployment that sets OPENBLAS_NUM_THREADS keeps its own value.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
