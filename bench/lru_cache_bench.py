#!/usr/bin/env python3
"""functools.lru_cache on the rows of bench/memory_tier_bench.cpp, for the comparison issue #15
asks of the in-process tier: a function of an int returning a 64-character str, with working sets
of 100, 10,000 and 100,000 keys hit in a shuffled order, maxsize None and half the working set
(timed over the half it keeps). Each figure is the mean time of a call, loop included; the loop
with an identity lambda in place of the cached function is printed beside it.

Run: python3 bench/lru_cache_bench.py
"""
import functools
import random
import time

CALLS = 2_000_000  # per row, about


def mean_ns(function, keys):
    rounds = max(1, CALLS // len(keys))
    start = time.perf_counter()
    for _ in range(rounds):
        for key in keys:
            function(key)
    return (time.perf_counter() - start) / (rounds * len(keys)) * 1e9


def row(working_set, maxsize):
    @functools.lru_cache(maxsize=maxsize)
    def value_of(n):
        return str(n).ljust(64, "x")

    for n in range(working_set):
        value_of(n)
    keys = list(range(working_set)) if maxsize is None else list(range(working_set // 2, working_set))
    random.Random(42).shuffle(keys)
    return mean_ns(value_of, keys), mean_ns(lambda n: n, keys)


for working_set in (100, 10_000, 100_000):
    for maxsize in (None, working_set // 2):
        cached, loop = row(working_set, maxsize)
        print(f"lru_cache keys={working_set} maxsize={maxsize}: {cached:.0f} ns a call "
              f"(the loop with an identity lambda: {loop:.0f} ns)")
