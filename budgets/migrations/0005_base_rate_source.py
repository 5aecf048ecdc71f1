"""Each Basiszinssatz names its publication, its date and who entered it.

The rows that exist already came from the shipped table, whose source is the
Deutsche Bundesbank; their publication dates were not recorded, so they stay empty.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0004_load_base_rates"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="baserate",
            name="source",
            field=models.CharField(
                default="Deutsche Bundesbank, Basiszinssatz nach § 247 BGB", max_length=200, verbose_name="Quelle"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="baserate",
            name="published_on",
            field=models.DateField(blank=True, null=True, verbose_name="veröffentlicht am"),
        ),
        migrations.AddField(
            model_name="baserate",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="baserate",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="eingetragen am"),
        ),
        migrations.AddConstraint(
            model_name="baserate",
            constraint=models.CheckConstraint(
                condition=models.Q(("valid_from__day", 1), ("valid_from__month__in", [1, 7])),
                name="base_rate_starts_a_half_year",
            ),
        ),
    ]
