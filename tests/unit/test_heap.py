"""The heap is taken out of the garbage collector's periodic walks once the window and each project are set up."""

from __future__ import annotations

import gc
import weakref

from app.ui import heap


class Node:
    pass


def test_settle_freezes_what_is_alive_and_collects_young_garbage_first() -> None:
    kept = [Node() for _ in range(100)]
    cycle = Node()
    cycle.self = cycle  # young cyclic garbage: collected before the freeze, not kept forever
    gone = weakref.ref(cycle)
    del cycle
    try:
        heap.settle()
        assert gone() is None
        assert gc.get_freeze_count() >= len(kept)
        assert not any(o is kept[0] for o in gc.get_objects())  # out of the collector's walks, still alive
        assert isinstance(kept[0], Node)
    finally:
        gc.unfreeze()
