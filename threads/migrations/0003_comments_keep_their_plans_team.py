import django.db.models.deletion
from django.db import migrations, models

# Each event's row keeps its plan's team (a plan never changes team), filled here from the plan,
# and its index of the newest rows holds it: the dashboard walks the events of the viewer's
# teams in the index alone (plans.activity).


class Migration(migrations.Migration):
    dependencies = [
        ("threads", "0002_activity_reads_newest_comments_from_an_index"),
        ("plans", "0022_events_keep_their_plans_team"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="team",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="plans.team",
            ),
        ),
        migrations.RunSQL(
            "UPDATE threads_comment SET team_id = "
            "(SELECT p.team_id FROM plans_plan p JOIN threads_thread t ON t.plan_id = p.id WHERE t.id = threads_comment.thread_id)",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="comment",
            name="team",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="plans.team",
            ),
        ),
        migrations.RemoveIndex(model_name="comment", name="comment_recent_first"),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["-created_at", "-id"], include=['team', 'deleted_at'], name="comment_recent_first"),
        ),
    ]
