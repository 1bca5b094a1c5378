"""A partial index on viewflow's task table for the inbox's "submitted" tab (issue 14, part 3).

The tab shows each process's tip (workflow.selectors._tips): only an open or cancelled task, or End, can be one,
which is this index's predicate, written as the selector's condition reads in SQL so that PostgreSQL (and SQLite)
match it. A process's candidates are then one or two index entries instead of its ~11 task rows. The End node's
reference is spelled out (a migration must not follow app code that may change): if the flow is renamed, the
index stops matching and the tab is slower, never wrong.
"""

from django.db import migrations

INDEX = "workflow_task_process_tip"
END = "workflow/flows.DocumentFlow.end"


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0003_inbox_indexes"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [
        migrations.RunSQL(
            sql=(
                f"CREATE INDEX IF NOT EXISTS {INDEX} ON viewflow_task (process_id) "
                f"WHERE status <> 'DONE' OR flow_task = '{END}'"
            ),
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
