"""Index documents (drafter, created_at, id) for the inbox's "submitted" tab (issue 14, part 3).

The tab lists a drafter's documents newest first (workflow.selectors._submitted): with this index its page is a
walk of the drafter's documents from the cursor that stops at the page's rows, and its count reads their ids from
the index alone, not every process they have.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0020_blobs_out_of_db"),
        ("organizations", "0010_seal_image"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="document",
            index=models.Index(fields=["drafter", "created_at", "id"], name="document_drafter_created"),
        ),
    ]
