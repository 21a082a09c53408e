# A user story is kept as the sentence written; its parts are read from it for display.

import plans.models
from django.db import migrations


def sentence(row) -> str:
    text = f"As a {row.user_type}, I want to {row.action}"
    return f"{text} so that {row.benefit}" if row.benefit else text


def to_sentences(apps, schema_editor):
    for name in ("UserStory", "HistoricalUserStory"):
        model = apps.get_model("plans", name)
        rows = list(model.objects.all())
        for row in rows:
            row.sentence = sentence(row)
        model.objects.bulk_update(rows, ["sentence"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0015_task_done_and_flag_default_owner"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name=model,
                name="sentence",
                field=plans.models.LineField(default="", max_length=1200, verbose_name="user story"),
                preserve_default=False,
            )
            for model in ("userstory", "historicaluserstory")
        ),
        migrations.RunPython(to_sentences, migrations.RunPython.noop),
        *(
            migrations.RemoveField(model_name=model, name=field)
            for model in ("userstory", "historicaluserstory")
            for field in ("user_type", "action", "benefit")
        ),
    ]
