"""The demo's people and reference data: the term and its sessions, staff, leaders, offices with their clerks
and heads, delegates with their private contacts."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from congresses.models import StaffMembership, first_congress
from delegates.models import Constituency, Delegate, DelegateContact, Delegation, Session, Term
from suggestions.management.demo.data import DELEGATES, OFFICES, PASSWORD
from suggestions.models import Category, Leader, Office, OfficeMember, ResultClass
from suggestions.roles import STAFF_GROUP


class PeopleMixin:
    """Builds (or finds) everyone who acts in the demo; ``build_people`` returns the two sessions."""

    def user(self, username, full_name, *, email=True, **extra):
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username, defaults=extra)
        if created:
            user.first_name = full_name
            user.email = f"{username}@demo.huaxi-renda.local" if email else ""
            user.set_password(PASSWORD)
            user.save()
        return user

    def build_people(self):
        self.congress = congress = first_congress()
        term, _ = Term.objects.get_or_create(
            congress=congress,
            number=18,
            defaults={"name": "花溪区第十八届人民代表大会", "start_date": datetime.date(2021, 12, 1)},
        )
        s4, _ = Session.objects.get_or_create(
            term=term,
            number=4,
            defaults={
                "name": "花溪区十八届人大四次会议",
                "start_date": datetime.date(2025, 1, 6),
                "end_date": datetime.date(2025, 1, 9),
                "recess_end_date": datetime.date(2026, 1, 4),
            },
        )
        Session.objects.filter(congress=congress, is_current=True).update(is_current=False)
        s5, _ = Session.objects.get_or_create(
            term=term,
            number=5,
            defaults={
                "name": "花溪区十八届人大五次会议",
                "start_date": datetime.date(2026, 1, 5),
                "end_date": datetime.date(2026, 1, 8),
            },
        )
        s5.is_current = True
        s5.save()

        self.user("admin", "系统管理员", is_superuser=True, is_staff=True)
        staff = self.user("staff_zhang", "张敏", is_staff=True)
        staff2 = self.user("staff_huang", "黄磊")
        for user in (staff, staff2):
            user.groups.add(Group.objects.get(name=STAFF_GROUP))
            StaffMembership.objects.get_or_create(user=user, defaults={"congress": congress})
        leader_user = self.user("leader_li", "李建国")
        leader, _ = Leader.objects.get_or_create(
            congress=congress, name="李建国", defaults={"title": "区委书记", "user": leader_user}
        )
        leader2, _ = Leader.objects.get_or_create(
            congress=congress, name="周文", defaults={"title": "区人大常委会主任"}
        )

        offices = {}
        for order, (name, short, login) in enumerate(OFFICES, start=1):
            office, _ = Office.objects.get_or_create(
                congress=congress, name=name, defaults={"short_name": short, "order": order}
            )
            offices[short] = office
            clerk = self.user(login, f"{short}经办人")
            OfficeMember.objects.get_or_create(office=office, user=clerk, defaults={"role": OfficeMember.Role.CLERK})
            head = self.user(f"{login}_head", f"{short}负责人")
            OfficeMember.objects.get_or_create(office=office, user=head, defaults={"role": OfficeMember.Role.HEAD})

        delegates = {}
        for login, name, delegation, constituency, unit, phone in DELEGATES:
            user = self.user(login, name)
            dgn, _ = Delegation.objects.get_or_create(term=term, name=delegation)
            cst, _ = Constituency.objects.get_or_create(congress=congress, name=constituency)
            delegate, created = Delegate.objects.get_or_create(
                user=user,
                congress=congress,
                defaults={"term": term, "name": name, "delegation": dgn, "constituency": cst, "work_unit": unit},
            )
            if created:
                DelegateContact.objects.create(
                    delegate=delegate,
                    phone=phone,
                    email=user.email,
                    address=f"贵阳市花溪区{constituency}某路{len(delegates) + 1}号",
                )
            delegates[login] = delegate
        self.users = {u.username: u for u in get_user_model().objects.all()}
        self.staff, self.leader, self.leader2 = staff, leader, leader2
        self.offices, self.delegates = offices, delegates
        self.cat = {c.name: c for c in Category.objects.all()}
        self.rc = {r.code: r for r in ResultClass.objects.all()}
        return s4, s5

    def u(self, name):
        return self.users[name]

    def clerk(self, short):
        login = next(login for _n, s, login in OFFICES if s == short)
        return self.u(login)
