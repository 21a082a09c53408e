"""Keep each plan's search vector in the plan's row (PostgreSQL's STORAGE MAIN) instead of in
the TOAST table: a search that ranks every matching plan reads each vector two or three times
(match, rank, phrase rank), and fetching it from TOAST each time cost more than the ranking
(bench/search.py: the ranked query went from 14 ms to 5 ms with 2,000 plans)."""

from django.db import migrations


def keep_vectors_inline(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE plans_plan ALTER COLUMN search_vector SET STORAGE MAIN"
        )
        # Storage applies to values as they are written: write the existing ones again.
        schema_editor.execute(
            "UPDATE plans_plan SET search_vector = "
            "to_tsvector('english'::regconfig, COALESCE(search_text, ''))"
        )


def toast_vectors(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE plans_plan ALTER COLUMN search_vector SET STORAGE EXTENDED"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0008_plan_signoffs_revision"),
    ]

    operations = [migrations.RunPython(keep_vectors_inline, toast_vectors)]
