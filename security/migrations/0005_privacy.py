"""The privacy notice (versioned) and its acceptances; version 1 of the notice (issue 20)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

NOTICE_V1 = """花溪区人大常委会（以下简称“我们”）依据《中华人民共和国个人信息保护法》，在代表建议办理工作中处理您的个人信息。请您阅读以下告知。

一、处理的个人信息：姓名、所属代表团（组）、选区、工作单位及职务、手机号码、固定电话、电子邮箱、通讯地址、登录账号，以及您提出、联名和评价建议的记录。

二、处理目的：登记和交办您提出的建议，承办单位与您沟通联系，向您发送办理提醒，统计和公开办理结果。我们不将您的个人信息用于其他目的。

三、谁能看到：公众页面不显示您的联系方式。承办单位只看到部分隐藏的号码（如138****5678），因办理需要查看完整号码时须主动操作，每次查看都记入安全审计。

四、如何保护：手机号码、身份证号码和联系方式以国密SM4算法加密存储；答复和评价以SM3校验防篡改；所有访问均有审计记录。

五、保存期限：在您的代表任期及法律规定的档案保存期限内保存；期满或您不再担任代表后，可按规定匿名化处理，已办理的建议记录予以保留。

六、您的权利：您可以随时在本页下载本人个人信息副本；需要更正的，请联系人大工作人员；不再担任代表后，可申请匿名化处理。

七、联系我们：花溪区人大常委会办公室。"""


def add_notice(apps, schema_editor):
    PrivacyNotice = apps.get_model("security", "PrivacyNotice")
    PrivacyNotice.objects.get_or_create(version=1, defaults={"title": "个人信息处理告知", "body": NOTICE_V1})


class Migration(migrations.Migration):
    dependencies = [
        ("security", "0004_security_policy"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PrivacyNotice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.PositiveIntegerField(unique=True, verbose_name="版本")),
                ("title", models.CharField(max_length=200, verbose_name="标题")),
                ("body", models.TextField(verbose_name="内容")),
                ("published_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="发布时间")),
            ],
            options={
                "verbose_name": "个人信息处理告知",
                "verbose_name_plural": "个人信息处理告知",
                "ordering": ["-version"],
            },
        ),
        migrations.CreateModel(
            name="PrivacyConsent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("accepted_at", models.DateTimeField(auto_now_add=True, verbose_name="同意时间")),
                ("address", models.GenericIPAddressField(blank=True, null=True, verbose_name="地址")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="privacy_consents",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="账号",
                    ),
                ),
                (
                    "notice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="consents",
                        to="security.privacynotice",
                        verbose_name="告知",
                    ),
                ),
            ],
            options={
                "verbose_name": "个人信息处理同意记录",
                "verbose_name_plural": "个人信息处理同意记录",
                "ordering": ["-accepted_at"],
                "constraints": [models.UniqueConstraint(fields=("user", "notice"), name="privacy_consent_once")],
            },
        ),
        migrations.RunPython(add_notice, migrations.RunPython.noop),
    ]
