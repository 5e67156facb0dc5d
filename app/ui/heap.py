"""Keep Python's cyclic garbage collector from freezing the window.

Python's collector now and then walks every object that has survived long enough (its oldest generation). With
a project open that is well over a hundred thousand objects (the codebook, the document tree, the models of
every panel, Qt and SQLAlchemy's own), and one such walk took 80 to 150 ms on the bench machine: a freeze at a
random moment, often in the middle of opening a document or applying a code. Profiling the opening of a
100,000-word transcript showed it as the largest single cost after reading the codings.

`gc.freeze()` moves the objects alive at that moment out of the collector's reach: they are the application
and the open project's long-lived state, which is freed by reference counting when it goes (closing a project
drops its models), never by the cyclic collector. We freeze once the window is built and again once each project
has been opened; the young generations are collected first (a few milliseconds), so little garbage is kept.
What is created afterwards is collected as usual, and those walks stay short.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QTimer


def settle() -> None:
    """Collect the young garbage, then take every object alive out of the collector's periodic walks."""
    gc.collect(1)
    gc.freeze()


def keep_collections_short(context) -> None:
    """Settle the heap now (the window is built) and after every project is opened (once its views are set)."""
    settle()
    context.projectChanged.connect(lambda _project: QTimer.singleShot(0, settle))
