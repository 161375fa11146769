"""Issue 20: office phones and reminder addresses encrypted at rest with SM4; seals on replies and ratings.

Existing replies and ratings stay unsealed (nobody vouched for them); ``manage.py verify_integrity
--seal-unsealed`` seals them once after the upgrade.
"""

from django.db import migrations, models

import security.fields
from security.migration_ops import decrypt_columns, encrypt_columns


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0019_channels"),
    ]

    operations = [
        migrations.AddField(
            model_name="officemember",
            name="phone_hash",
            field=models.CharField(
                blank=True, db_index=True, editable=False, max_length=64, verbose_name="联系电话查找摘要"
            ),
        ),
        migrations.AddField(
            model_name="rating",
            name="integrity_seal",
            field=models.CharField(blank=True, editable=False, max_length=100, verbose_name="完整性校验值"),
        ),
        migrations.AddField(
            model_name="reply",
            name="integrity_seal",
            field=models.CharField(blank=True, editable=False, max_length=100, verbose_name="完整性校验值"),
        ),
        migrations.AlterField(
            model_name="office",
            name="contact_phone",
            field=security.fields.EncryptedTextField(blank=True, max_length=40, verbose_name="联系电话"),
        ),
        migrations.AlterField(
            model_name="officemember",
            name="phone",
            field=security.fields.EncryptedTextField(blank=True, max_length=30, verbose_name="联系电话"),
        ),
        migrations.AlterField(
            model_name="reminderdelivery",
            name="address",
            field=security.fields.EncryptedTextField(blank=True, max_length=254, verbose_name="地址"),
        ),
        migrations.RunPython(
            encrypt_columns("suggestions_office", ["contact_phone"]),
            decrypt_columns("suggestions_office", ["contact_phone"]),
            elidable=False,
        ),
        migrations.RunPython(
            encrypt_columns("suggestions_officemember", ["phone"], hashes={"phone": "phone_hash"}),
            decrypt_columns("suggestions_officemember", ["phone"]),
            elidable=False,
        ),
        migrations.RunPython(
            encrypt_columns("suggestions_reminderdelivery", ["address"]),
            decrypt_columns("suggestions_reminderdelivery", ["address"]),
            elidable=False,
        ),
    ]
