"""Delegates' private contacts encrypted at rest with SM4 (issue 20), with a keyed SM3 lookup hash for phones."""

from django.db import migrations, models

import security.fields
from security.migration_ops import decrypt_columns, encrypt_columns

COLUMNS = ["phone", "landline", "email", "address"]


class Migration(migrations.Migration):
    dependencies = [
        ("delegates", "0002_roster"),
    ]

    operations = [
        migrations.AddField(
            model_name="delegatecontact",
            name="phone_hash",
            field=models.CharField(
                blank=True, db_index=True, editable=False, max_length=64, verbose_name="手机号码查找摘要"
            ),
        ),
        migrations.AlterField(
            model_name="delegatecontact",
            name="address",
            field=security.fields.EncryptedTextField(blank=True, max_length=200, verbose_name="通讯地址"),
        ),
        migrations.AlterField(
            model_name="delegatecontact",
            name="email",
            field=security.fields.EncryptedEmailField(blank=True, max_length=254, verbose_name="电子邮箱"),
        ),
        migrations.AlterField(
            model_name="delegatecontact",
            name="landline",
            field=security.fields.EncryptedTextField(blank=True, max_length=40, verbose_name="固定电话"),
        ),
        migrations.AlterField(
            model_name="delegatecontact",
            name="phone",
            field=security.fields.EncryptedTextField(blank=True, max_length=30, verbose_name="手机号码"),
        ),
        migrations.RunPython(
            encrypt_columns("delegates_delegatecontact", COLUMNS, hashes={"phone": "phone_hash"}),
            decrypt_columns("delegates_delegatecontact", COLUMNS),
            elidable=False,
        ),
    ]
