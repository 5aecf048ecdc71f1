"""The flow class moved from ``workflows/flows.py`` to ``workflows/applications/flows.py``.

viewflow stores the flow and each task by their import path ("app/module.Class" and
"app/module.Class.node"), so processes and tasks started before the move would no longer
find their flow. This rewrites the stored references; reversing writes the old ones back.
"""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Substr

OLD = "workflows/flows."
NEW = "workflows/applications.flows."


def _rewrite(apps, old: str, new: str) -> None:
    Process = apps.get_model("viewflow", "Process")
    Task = apps.get_model("viewflow", "Task")
    tail = len(old) + 1  # Substr is 1-based
    Process.objects.filter(flow_class__startswith=old).update(flow_class=Concat(Value(new), Substr("flow_class", tail)))
    Task.objects.filter(flow_task__startswith=old).update(flow_task=Concat(Value(new), Substr("flow_task", tail)))


def forwards(apps, schema_editor):
    _rewrite(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _rewrite(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0001_initial"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
