import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('designer', '0004_triggers'),
    ]

    operations = [
        migrations.AddField(
            model_name='execution',
            name='map_run_arn',
            field=models.CharField(blank=True, db_index=True, default='', max_length=2048),
        ),
        migrations.AddField(
            model_name='execution',
            name='parent',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name='children', to='designer.execution'),
        ),
    ]
