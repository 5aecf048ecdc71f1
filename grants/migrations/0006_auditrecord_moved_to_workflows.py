"""The audit trail moved to the workflows app (its only writer), keeping its table and rows.

Only Django's picture of the models changes here; ``workflows`` 0003 takes the table over.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0005_proof_of_use"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditRecord")],
            database_operations=[],
        ),
    ]
