"""Python's cyclic garbage collector in a serving process: `settle` once the app is built.

A push of 500 mutations allocates tens of thousands of dicts and lists. With Python's defaults
(a collection of the young objects every 2,000 allocations, and now and then one of the whole
heap) a process spent 50-180 ms per 10,000 pushed mutations collecting, most of it in full
collections walking every object the app loaded at start (its modules, the tables' metadata,
the schemas, the catalogues), none of which is ever garbage. `settle` moves what is loaded out
of the collector's reach (`gc.freeze`: reference counting still frees it) and lets the young
objects reach 50,000 before a collection: most of a request's objects are freed by their
reference counts, so 10,000 pushed mutations then go without a single collection
(bench/sync_push.py; 10,000 left 15-35 ms of collections, and the push took 7% more CPU).
"""

import gc

YOUNG_OBJECTS = 50_000  # allocations (less deallocations) between two collections of the young


def settle() -> None:
    """Freeze the objects alive now out of the collector's scans, and collect the young less often."""
    gc.collect()
    gc.freeze()
    young, middle, old = gc.get_threshold()
    gc.set_threshold(max(young, YOUNG_OBJECTS), middle, old)
