"""Groups for the five roles and the cost types of the programme guideline."""

from django.db import migrations

ROLES = ["applicant", "clerk", "approver", "controller", "admin"]
COST_TYPES = [
    ("consulting", "Externe Beratung", True),
    ("moderation", "Moderation", True),
    ("travel", "Reisekosten", False),
]


def seed(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    CostType = apps.get_model("grants", "CostType")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    for code, name, billed_by_day in COST_TYPES:
        CostType.objects.get_or_create(code=code, defaults={"name": name, "billed_by_day": billed_by_day})


class Migration(migrations.Migration):
    dependencies = [("grants", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
