from django.db import migrations


class Migration(migrations.Migration):
    """Joins the two 0005 migrations that landed side by side."""

    dependencies = [
        ('designer', '0005_map_run_children'),
        ('designer', '0005_studio_drafts_encryption_workers'),
    ]

    operations = []
