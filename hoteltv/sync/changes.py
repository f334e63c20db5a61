"""Change sets, by their parts — kept as one name for what imports it from here:

* :mod:`hoteltv.sync.values` — which tables sync (and how a table joins), the value codec;
* :mod:`hoteltv.sync.merge` — the merge rule (:func:`decide`), the same on the server and on a laptop;
* :mod:`hoteltv.sync.outbox` — unsent local changes collected and marked sent, pending and dropped ones,
  the digests the sync check compares;
* :mod:`hoteltv.sync.apply` — the server's records (pull) and bundles applied here.

New code imports from those modules; nothing is defined here.
"""

from __future__ import annotations

from hoteltv.sync.apply import (
    DanglingReference,
    LocalApply,
    PullApplied,
    apply_changes_locally,
    apply_remote_records,
)
from hoteltv.sync.merge import (
    DERIVED,
    PARENT_NOT_YET,
    Decision,
    _decide_document,
    decide,
)
from hoteltv.sync.outbox import (
    META_DROPPED,
    Collected,
    adopt_versions,
    adopt_versions_in,
    collect_changes,
    dropped_ids,
    forget_dropped,
    local_digests,
    mark_sent,
    mark_sent_in,
    pending_count,
    pending_fields,
    pending_ids,
    set_dropped,
)
from hoteltv.sync.values import (
    BOOKKEEPING,
    MODELS,
    RANK,
    columns,
    content,
    label_of,
    to_python,
    value_problem,
)

__all__ = [
    "BOOKKEEPING",
    "DERIVED",
    "META_DROPPED",
    "MODELS",
    "PARENT_NOT_YET",
    "RANK",
    "Collected",
    "DanglingReference",
    "Decision",
    "LocalApply",
    "PullApplied",
    "_decide_document",
    "adopt_versions",
    "adopt_versions_in",
    "apply_changes_locally",
    "apply_remote_records",
    "collect_changes",
    "columns",
    "content",
    "decide",
    "dropped_ids",
    "forget_dropped",
    "label_of",
    "local_digests",
    "mark_sent",
    "mark_sent_in",
    "pending_count",
    "pending_fields",
    "pending_ids",
    "set_dropped",
    "to_python",
    "value_problem",
]
