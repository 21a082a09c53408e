"""The reader on the corpus of real plans, as a Markdown table for the lead's note:

    .venv/bin/python bench/corpus_report.py

Words lost, rows captured against the hand counts of tests/fixtures/real/index.json, phantom
rows and the fixed point, per document and in total (see tests/plans/corpus.py).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> int:
    import django

    django.setup()
    from tests.plans.corpus import measure_all, table

    print(table(measure_all()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
