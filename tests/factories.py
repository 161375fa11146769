"""Factories for every model the workflow touches. Build state through services, not by setting status."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from congresses.models import Congress, StaffMembership, first_congress
from delegates.models import Delegate, DelegateContact, Delegation, Session, Term
from suggestions.models import Category, Leader, Office, OfficeMember, ResultClass, Suggestion
from suggestions.reporting import worklists
from suggestions.roles import STAFF_GROUP


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    password = factory.django.Password("pw-123456")


class StaffFactory(UserFactory):
    class Meta:
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")

    @factory.post_generation
    def staff_group(self, create, extracted, **kwargs):
        group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
        self.groups.add(group)

    @factory.post_generation
    def congress(self, create, extracted, **kwargs):
        """``StaffFactory(congress=c)``: staff of congress ``c`` (the first congress by default)."""
        if create:
            StaffMembership.objects.update_or_create(user=self, defaults={"congress": extracted or first_congress()})


class CongressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Congress
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"测试{n}区人大")
    slug = factory.Sequence(lambda n: f"test{n}")
    level = Congress.Level.COUNTY


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term
        django_get_or_create = ("congress", "number")

    congress = factory.LazyFunction(first_congress)
    number = 18
    name = "花溪区第十八届人民代表大会"
    start_date = datetime.date(2021, 12, 1)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session
        django_get_or_create = ("term", "number")

    term = factory.SubFactory(TermFactory)
    number = 5
    name = factory.LazyAttribute(lambda o: f"花溪区十八届人大{o.number}次会议")
    start_date = datetime.date(2026, 1, 5)
    end_date = datetime.date(2026, 1, 8)
    is_current = True


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegation
        django_get_or_create = ("term", "name")

    term = factory.SubFactory(TermFactory)
    name = "花溪街道代表团"


class DelegateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegate
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, username=factory.Sequence(lambda n: f"delegate{n}"))
    term = factory.SubFactory(TermFactory)
    name = factory.Sequence(lambda n: f"代表{n}")
    delegation = factory.SubFactory(DelegationFactory)
    work_unit = "某社区居委会"

    @factory.post_generation
    def contact(self, create, extracted, **kwargs):
        if create:
            DelegateContact.objects.create(delegate=self, phone=f"139{self.pk:08d}", address="花溪区某路1号")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("congress", "name")

    congress = factory.LazyFunction(first_congress)
    name = "城乡建设"


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ("congress", "name")

    congress = factory.LazyFunction(first_congress)
    name = factory.Sequence(lambda n: f"区测试局{n}")


class OfficeMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficeMember

    office = factory.SubFactory(OfficeFactory)
    user = factory.SubFactory(UserFactory, username=factory.Sequence(lambda n: f"clerk{n}"))
    role = OfficeMember.Role.CLERK


class LeaderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Leader

    congress = factory.LazyFunction(first_congress)
    user = factory.SubFactory(UserFactory, username=factory.Sequence(lambda n: f"leader{n}"))
    name = factory.Sequence(lambda n: f"领导{n}")
    title = "区委书记"


class SuggestionFactory(factory.django.DjangoModelFactory):
    """A draft; move it on with ``suggestions.actions``."""

    class Meta:
        model = Suggestion

    session = factory.SubFactory(SessionFactory)
    title = factory.Sequence(lambda n: f"关于改善第{n}小区环境的建议")
    body = "小区环境较差，建议有关部门加以整治。"
    category = factory.SubFactory(CategoryFactory)
    lead_delegate = factory.SubFactory(DelegateFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        suggestion = super()._create(model_class, *args, **kwargs)
        # On its lead's home page, as the drafting action leaves a new draft (``reporting.worklists``).
        worklists.refresh([suggestion.pk])
        return suggestion


def result_class(code, congress=None):
    return ResultClass.objects.get(code=code, congress=congress or first_congress())


SIGNED_LETTER_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def signed_letter(assignment, actor, *, name="盖章答复函.pdf"):
    """The scanned, signed and stamped reply letter an office attaches before replying (a PDF)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from suggestions import actions

    uploaded = SimpleUploadedFile(name, SIGNED_LETTER_PDF, content_type="application/pdf")
    return actions.attachment_add(
        suggestion=assignment.suggestion, actor=actor, uploaded_file=uploaded, content_type="application/pdf"
    )


class StationFactory(factory.django.DjangoModelFactory):
    """A liaison station; attach delegates and staff with ``stations.actions.station_save`` or ``.staff.add``."""

    class Meta:
        model = "stations.Station"

    congress = factory.LazyFunction(first_congress)
    name = factory.Sequence(lambda n: f"花溪街道第{n}代表联络站")
    address = "花溪区清溪路1号"
    hours = "每周三 9:00–12:00"


def photo_bytes(*, fmt="JPEG", gps=True):
    """A small photo; a JPEG carries EXIF with a GPS position, as a phone writes it."""
    import io

    from PIL import Image

    image = Image.new("RGB", (64, 48), (200, 30, 30))
    out = io.BytesIO()
    if fmt == "JPEG" and gps:
        exif = Image.Exif()
        exif[0x010F] = "TestPhone"  # Make
        exif[0x8825] = {1: "N", 2: (26.0, 24.0, 36.0), 3: "E", 4: (106.0, 40.0, 12.0)}  # GPSInfo
        image.save(out, format=fmt, exif=exif)
    else:
        image.save(out, format=fmt)
    return out.getvalue()
