"""Every existing statement gets version 1, its text as it stands; every existing sign-on signed version 1."""

from django.db import migrations


def record_first_versions(apps, schema_editor):
    Statement = apps.get_model("campaigns", "Statement")
    StatementVersion = apps.get_model("campaigns", "StatementVersion")
    SignOn = apps.get_model("signatories", "SignOn")
    for statement in Statement.objects.iterator():
        StatementVersion.objects.get_or_create(
            statement=statement,
            number=1,
            defaults={
                "title": statement.title,
                "summary": statement.summary,
                "body": statement.body,
                "concerns_intro": statement.concerns_intro,
                "concerns": list(statement.concerns.order_by("position", "pk").values_list("text", flat=True)),
                "before_demands": statement.before_demands,
                "demands_intro": statement.demands_intro,
                "demands": [
                    {"text": text, "addressed_to": addressed_to}
                    for text, addressed_to in statement.demands.order_by("position", "pk").values_list(
                        "text", "addressed_to"
                    )
                ],
                "closing": statement.closing,
            },
        )
    Statement.objects.exclude(version=1).update(version=1)
    SignOn.objects.exclude(statement_version=1).update(statement_version=1)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_statement_versions"),
        ("signatories", "0001_initial"),
    ]

    operations = [migrations.RunPython(record_first_versions, migrations.RunPython.noop)]
