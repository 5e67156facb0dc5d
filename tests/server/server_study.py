"""What the server tests share."""

from __future__ import annotations

from app.storage.search_index import is_index_table

# The search index's tables are made by raw statements (0008_search_fts5 and its server branch), not by the models.
COMPARE_OPTIONS = {
    "compare_type": True,
    "include_name": lambda name, type_, _parents: not (type_ == "table" and is_index_table(name)),
}
