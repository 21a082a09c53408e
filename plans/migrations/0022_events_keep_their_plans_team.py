import django.db.models.deletion
from django.db import migrations, models

# Each event's row keeps its plan's team (a plan never changes team), filled here from the plan,
# and its index of the newest rows holds it: the dashboard walks the events of the viewer's
# teams in the index alone (plans.activity).


class Migration(migrations.Migration):
    dependencies = [("plans", "0021_approval_history_index_holds_the_team")]

    operations = [
        migrations.AddField(
            model_name="planversion",
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
            "UPDATE plans_planversion SET team_id = "
            "(SELECT p.team_id FROM plans_plan p WHERE p.id = plans_planversion.plan_id)",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="planversion",
            name="team",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="plans.team",
            ),
        ),
        migrations.RemoveIndex(model_name="planversion", name="planversion_recent_first"),
        migrations.AddIndex(
            model_name="planversion",
            index=models.Index(fields=["-created_at", "-id"], include=['team'], name="planversion_recent_first"),
        ),
        migrations.AddField(
            model_name="namedversion",
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
            "UPDATE plans_namedversion SET team_id = "
            "(SELECT p.team_id FROM plans_plan p WHERE p.id = plans_namedversion.plan_id)",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="namedversion",
            name="team",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="plans.team",
            ),
        ),
        migrations.RemoveIndex(model_name="namedversion", name="namedversion_recent_first"),
        migrations.AddIndex(
            model_name="namedversion",
            index=models.Index(fields=["-created_at", "-id"], include=['team'], name="namedversion_recent_first"),
        ),
    ]
