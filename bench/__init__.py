"""The benchmark: synthetic graphs scaled from the real one, in-process and HTTP harnesses.

Run it with ``python bench/run.py`` (or ``make bench``); ``--help`` lists the options.
"""
