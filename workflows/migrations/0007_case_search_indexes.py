"""GIN indexes for the full-text search of the list of all applications (PostgreSQL only).

Why expression indexes and not a stored search column: the words searched (the
application's title and contact person, the municipality's name) live in two tables,
change through many services and the admin, and a stored column would need a trigger
or every writer to keep it fresh. An expression index is kept by the database itself,
costs no column and no code path, and the query in ``workflows.cases.selectors`` uses
the very same expression (``SearchVector(..., config="german")``), so the planner
takes the index. Numbers (file, notice, payout, refund claim) and the AGS need none:
their unique columns have btree indexes, which Django on PostgreSQL also builds with
``varchar_pattern_ops`` for prefix matches (``LIKE 'MF-2026%'``).

The indexes are created here through the schema editor, outside the models' state:
SQLite (the demo) has neither ``to_tsvector`` nor GIN, and a model ``Meta.indexes``
entry cannot be limited to one database. On SQLite this migration does nothing.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

# Must equal workflows.cases.selectors.APPLICATION_SEARCH_FIELDS / MUNICIPALITY_SEARCH_FIELDS / SEARCH_CONFIG.
INDEXES = [
    (
        "grants",
        "Application",
        GinIndex(SearchVector("title", "contact_name", config="german"), name="application_search_gin"),
    ),
    ("grants", "Municipality", GinIndex(SearchVector("name", config="german"), name="municipality_search_gin")),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app_label, model_name, index in INDEXES:
        schema_editor.add_index(apps.get_model(app_label, model_name), index)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app_label, model_name, index in INDEXES:
        schema_editor.remove_index(apps.get_model(app_label, model_name), index)


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0006_staff_notification"),
        ("grants", "0009_affiliation_requests_invitations"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
