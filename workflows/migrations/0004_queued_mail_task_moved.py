"""The applicants' e-mail task moved from ``workflows/tasks.py`` to ``workflows/common/tasks.py``.

The database task backend stores each queued task by its import path; a mail queued
before the upgrade and not yet sent would no longer find its task. This rewrites the
stored path of waiting and finished tasks alike (reversing writes the old one back).
"""

from django.db import migrations

OLD = "workflows.tasks.send_applicant_mail"
NEW = "workflows.common.tasks.send_applicant_mail"


def _rewrite(apps, old: str, new: str) -> None:
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.filter(task_path=old).update(task_path=new)


def forwards(apps, schema_editor):
    _rewrite(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _rewrite(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0003_auditrecord"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
