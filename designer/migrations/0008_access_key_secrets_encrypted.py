"""Access-key secrets move from a plaintext column to an encrypted one (designer.secret_box)."""

from django.db import migrations, models


def encrypt_existing(apps, schema_editor):
    from designer import secret_box

    AccessKey = apps.get_model("designer", "AccessKey")
    for key in AccessKey.objects.all():
        key.secret_encrypted = secret_box.encrypt(key.secret)
        key.save(update_fields=["secret_encrypted"])


def decrypt_existing(apps, schema_editor):
    from designer import secret_box

    AccessKey = apps.get_model("designer", "AccessKey")
    for key in AccessKey.objects.all():
        key.secret = secret_box.decrypt(key.secret_encrypted) or ""
        key.save(update_fields=["secret"])


class Migration(migrations.Migration):
    dependencies = [("designer", "0007_debugging")]

    operations = [
        migrations.AddField(model_name="accesskey", name="secret_encrypted", field=models.TextField(default="")),
        migrations.AlterField(model_name="accesskey", name="secret",
                              field=models.CharField(max_length=128, blank=True, default="")),
        migrations.RunPython(encrypt_existing, decrypt_existing),
        migrations.RemoveField(model_name="accesskey", name="secret"),
        migrations.AlterField(model_name="accesskey", name="secret_encrypted", field=models.TextField()),
    ]
