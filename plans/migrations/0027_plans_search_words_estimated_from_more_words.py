"""PostgreSQL's statistics of the plans' search vectors sample ten times the words.

The planner estimates how many plans hold a word from the most common words it sampled; a
word it did not sample counts as holding at least half the rarest sampled word's share of
plans. With the default sample (100), a search of two words that no plan holds ("kubernetes
migration", a typo) was estimated to match some 2,000 plans of 100,000, so PostgreSQL walked
every plan newest first looking for 200 of them: 339 ms (bench/scale.py). Sampled at 1,000,
the same words are estimated rare and found through the search index: 3 ms.
"""

from django.db import migrations

SAMPLED = 1000  # PostgreSQL's per-column statistics target (the default is 100)


def sample_more_words(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE plans_plan ALTER COLUMN search_vector SET STATISTICS {SAMPLED}"
    )
    schema_editor.execute("ANALYZE plans_plan (search_vector)")  # at 100,000 plans: 4 s


def sample_as_default(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE plans_plan ALTER COLUMN search_vector SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("plans", "0026_plans_parse_each_sections_words")]

    operations = [migrations.RunPython(sample_more_words, sample_as_default, elidable=False)]
