

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='FileImport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=32, verbose_name='kind')),
                ('file', models.FileField(upload_to='imports/', verbose_name='file')),
                ('original_name', models.CharField(max_length=255, verbose_name='file name')),
                ('options', models.JSONField(blank=True, default=dict, verbose_name='options')),
                ('dry_run', models.BooleanField(default=False, verbose_name='dry run')),
                ('language', models.CharField(default='sv', max_length=8, verbose_name='language')),
                ('status', models.CharField(choices=[('queued', 'queued'), ('running', 'running'), ('done', 'done'), ('failed', 'failed')], default='queued', max_length=8, verbose_name='status')),
                ('rows_total', models.PositiveIntegerField(default=0, verbose_name='rows')),
                ('rows_done', models.PositiveIntegerField(default=0, verbose_name='rows processed')),
                ('result', models.JSONField(blank=True, default=dict, verbose_name='result')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='file_imports', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'file import',
                'verbose_name_plural': 'file imports',
                'ordering': ['-created_at', '-pk'],
                'indexes': [models.Index(fields=['created_by', 'kind'], name='file_import_owner')],
            },
        ),
    ]
