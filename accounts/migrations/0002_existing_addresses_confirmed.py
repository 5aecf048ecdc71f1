"""Accounts made by the office before registration existed log in with their e-mail too:
their addresses count as confirmed (the office typed them in), so the mandatory
confirmation does not lock them out."""

from django.db import migrations


def confirm_existing(apps, schema_editor):
    User = apps.get_model("auth", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    known = set(EmailAddress.objects.values_list("user_id", flat=True))
    taken: set[str] = set()
    rows = []
    for user in User.objects.exclude(email="").order_by("pk"):
        email = user.email.strip().lower()
        if user.pk in known or email in taken:
            continue
        taken.add(email)
        rows.append(EmailAddress(user_id=user.pk, email=email, verified=True, primary=True))
    EmailAddress.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_user_profile"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(confirm_existing, migrations.RunPython.noop)]
