"""The audit trail, moved here from ``grants``, links each record to its payout or proof of use.

The table and its rows stay; it is renamed to this app's name. Records written before
the links existed are linked from what they always carried: a payout record is headed
"Mittelabruf <number>:" (the payout's unique number), and a proof-of-use or refund record
belongs to the application's one proof of use. This is the last place that reads the
comment text; from here on the services set the links.
"""

import re

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

PAYOUT_HEAD = re.compile(r"^Mittelabruf (\S+):")
# Records about the proof of use, and the application transitions that only its review makes.
PROOF_ACTIONS = ("grants.proof_of_use.", "budgets.refund_claim.")
PROOF_TRANSITIONS = ("grants.application.completed", "grants.application.revoked")


def link_records(apps, schema_editor):
    AuditRecord = apps.get_model("workflows", "AuditRecord")
    Payout = apps.get_model("budgets", "Payout")
    ProofOfUse = apps.get_model("grants", "ProofOfUse")
    payouts = dict(Payout.objects.values_list("number", "pk"))
    for record in AuditRecord.objects.filter(action__startswith="budgets.payout.").only("pk", "comment").iterator():
        match = PAYOUT_HEAD.match(record.comment)
        if match and match.group(1) in payouts:
            AuditRecord.objects.filter(pk=record.pk).update(payout_id=payouts[match.group(1)])
    proofs = dict(ProofOfUse.objects.values_list("application_id", "pk"))
    about_proof = models.Q(action__in=PROOF_TRANSITIONS)
    for prefix in PROOF_ACTIONS:
        about_proof |= models.Q(action__startswith=prefix)
    for record in AuditRecord.objects.filter(about_proof).only("pk", "application_id").iterator():
        if record.application_id in proofs:
            AuditRecord.objects.filter(pk=record.pk).update(proof_of_use_id=proofs[record.application_id])


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0002_flow_moved_to_applications"),
        ("grants", "0006_auditrecord_moved_to_workflows"),
        ("budgets", "0006_base_rates_2002_2012"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("action", models.CharField(max_length=80, verbose_name="Aktion")),
                        ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="Zeitpunkt")),
                        ("from_state", models.CharField(blank=True, max_length=30, verbose_name="von")),
                        ("to_state", models.CharField(blank=True, max_length=30, verbose_name="nach")),
                        ("comment", models.TextField(blank=True, verbose_name="Kommentar")),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "application",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="audit_records",
                                to="grants.application",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "Protokolleintrag",
                        "verbose_name_plural": "Protokoll",
                        "ordering": ["at", "pk"],
                        "db_table": "grants_auditrecord",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="auditrecord", table=None),
        migrations.AddField(
            model_name="auditrecord",
            name="payout",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="audit_records",
                to="budgets.payout",
                verbose_name="Mittelabruf",
            ),
        ),
        migrations.AddField(
            model_name="auditrecord",
            name="proof_of_use",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="audit_records",
                to="grants.proofofuse",
                verbose_name="Verwendungsnachweis",
            ),
        ),
        migrations.RunPython(link_records, migrations.RunPython.noop),
    ]
