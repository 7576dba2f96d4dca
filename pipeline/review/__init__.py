"""``evidence review``: a local web page to accept, reject and edit the rows of an evidence table.

- :mod:`pipeline.review.decisions`: the decisions database (SQLite; the contract other tools read).
- :mod:`pipeline.review.data`: the output folder's tables, editable fields, filters and facets.
- :mod:`pipeline.review.docview`: the document view (whole text, mentions highlighted).
- :mod:`pipeline.review.export`: :func:`export_reviewed`, the reviewed table as CSV and Parquet.
- :mod:`pipeline.review.server`: the HTTP server and the command's ``add_arguments`` / ``main``.

See ``docs/REVIEW.md``.
"""

from __future__ import annotations

from pipeline.review.decisions import Decision, DecisionStore
from pipeline.review.export import export_reviewed

__all__ = ["Decision", "DecisionStore", "export_reviewed"]
