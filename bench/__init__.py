"""The benchmark: synthetic graphs scaled from the real one, in-process and HTTP harnesses.

Run it with ``python bench/run.py`` (or ``make bench``); ``--help`` lists the options.
"""

from kg.config import Settings

# Where the generated graphs and server state go: the cache folder, never the source tree.
WORK_DIR = Settings.from_env().cache_dir / "bench"
