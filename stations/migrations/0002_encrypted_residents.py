"""Residents' names and mobile numbers encrypted at rest with SM4 (issue 20/22), keyed SM3 lookup hashes for numbers."""

from django.db import migrations, models

import security.fields
from security.migration_ops import decrypt_columns, encrypt_columns


class Migration(migrations.Migration):

    dependencies = [
        ('stations', '0001_initial'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='residentopinion',
            name='opinion_mobile_time',
        ),
        migrations.AddField(
            model_name='phoneverification',
            name='mobile_hash',
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='residentopinion',
            name='resident_mobile_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='手机号码查找摘要'),
        ),
        migrations.AlterField(
            model_name='phoneverification',
            name='mobile',
            field=security.fields.EncryptedTextField(max_length=20),
        ),
        migrations.AlterField(
            model_name='residentopinion',
            name='resident_mobile',
            field=security.fields.EncryptedTextField(blank=True, max_length=20, verbose_name='手机号码'),
        ),
        migrations.AlterField(
            model_name='residentopinion',
            name='resident_name',
            field=security.fields.EncryptedTextField(blank=True, max_length=50, verbose_name='姓名'),
        ),
        migrations.AddIndex(
            model_name='residentopinion',
            index=models.Index(fields=['resident_mobile_hash', 'received_at'], name='opinion_mobile_hash_time'),
        ),
        migrations.RunPython(
            encrypt_columns(
                "stations_residentopinion",
                ["resident_name", "resident_mobile"],
                hashes={"resident_mobile": "resident_mobile_hash"},
            ),
            decrypt_columns("stations_residentopinion", ["resident_name", "resident_mobile"]),
            elidable=False,
        ),
        migrations.RunPython(
            encrypt_columns("stations_phoneverification", ["mobile"], hashes={"mobile": "mobile_hash"}),
            decrypt_columns("stations_phoneverification", ["mobile"]),
            elidable=False,
        ),
    ]
