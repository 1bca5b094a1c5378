"""Indexes for the inbox's tabs on viewflow's own task table (issue 14, part 3).

`viewflow_task` belongs to viewflow's model, so the index is created with plain SQL (the same statement on
SQLite and PostgreSQL) rather than an AddIndex on our proxy. "assigned" and "done" filter on (owner_id, status)
and "done" reads newest first: with (owner_id, status, created, id) the first page is a backward index walk that
stops after 26 rows instead of sorting every task the person ever finished.
"""

from django.db import migrations

INDEX = "workflow_task_owner_status_created"


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0002_deadlines"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {INDEX} ON viewflow_task (owner_id, status, created, id)",
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
