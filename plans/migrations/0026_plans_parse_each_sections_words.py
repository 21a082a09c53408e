from django.db import migrations, transaction

# plans.search.SEARCHED when this was written: the order of a plan's section vectors.
SEARCHED = (
    *("title", "overview", "goals", "success_criteria", "user_stories", "architecture"),
    *("data_models", "api_endpoints", "dependencies", "phases", "testing", "rollout"),
    *("risks", "resources", "documentation", "open_questions", "notes"),
)
# Plans parsed per transaction: a save of one of them waits for its batch, and pages read the
# plans throughout (at 100,000 plans: 134 s in all; reads took at most 3 ms meanwhile, a save
# of one plan waited at most 1.9 s).
BATCH = 2_000


def parse_each_section(apps, schema_editor):
    """Each plan's section vectors parsed from its search words and its search vector joined
    from them, BATCH plans a transaction (PostgreSQL only: SQLite searches the text, which
    PostgreSQL no longer keeps). The notes are parsed whole: the search words keep only their
    start. Run again, it parses them again: nothing is half-written."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    texts = {"title": "title", "notes": "additional_notes"}
    parsed = ", ".join(
        f"to_tsvector('english'::regconfig, "
        f"COALESCE({texts.get(key, 'search_sections ->> %s')}, ''))"
        for key in SEARCHED
    )
    joined = " || ".join(f"v[{place}]" for place in range(1, len(SEARCHED) + 1))
    keys = [key for key in SEARCHED if key not in texts]
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(id), MAX(id) FROM plans_plan")
        low, high = cursor.fetchone()
    for start in range(low or 0, (high or -1) + 1, BATCH):
        with transaction.atomic(using=connection.alias):
            schema_editor.execute(
                f"UPDATE plans_plan SET search_text = '', (section_vectors, search_vector) = "
                f"(SELECT v, {joined} FROM (SELECT ARRAY[{parsed}] AS v) AS parsed) "
                "WHERE id >= %s AND id < %s",
                [*keys, start, start + BATCH],
            )


def rebuild_search_index(apps, schema_editor):
    """The search index holds every plan's old vector too after that (35 MB for 100,000 plans
    against 14): built anew beside it, without holding the plans (not in a transaction)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_class WHERE relname = 'plan_search_vector_gin'")
        if cursor.fetchone():
            cursor.execute("REINDEX INDEX CONCURRENTLY plan_search_vector_gin")


class Migration(migrations.Migration):
    # Each batch is its own transaction, and a concurrent reindex is in none.
    atomic = False

    dependencies = [
        ("plans", "0025_plans_keep_each_sections_search_vector"),
    ]

    operations = [
        migrations.RunPython(parse_each_section, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(rebuild_search_index, migrations.RunPython.noop, elidable=True),
    ]
