"""``python -m pipeline.review [--out DIR] ...``: the review page without the ``evidence`` command."""

from __future__ import annotations

import sys

from pipeline.review.server import build_parser, main

if __name__ == "__main__":
    sys.exit(main(build_parser().parse_args()))
