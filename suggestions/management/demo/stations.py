"""The demo's liaison stations (代表联络站): two stations of 花溪区, a station staff account, residents'
opinions in every kind of state, and a group-discussion record waiting for a delegate's confirmation.

Everything goes through ``stations.actions``, ``stations.residents`` and ``stations.discussions`` at a
believable date; a station that exists already is kept (safe to run twice).
"""

import io

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from delegates.models import Delegation
from stations import actions as station_actions
from stations import discussions, residents
from stations.models import PhoneVerification, ResidentOpinion, Station
from suggestions.management.demo.data import at

QINGYAN = "青岩镇代表联络站"
QINGHUA = "清华社区代表联络站"
STATION_STAFF = ("lianluo_yang", "杨晓燕")  # 青岩镇代表联络站's staff account (联络员)
DEMO_CODE = "246810"  # the one-time code the demo's residents "received" by SMS
RESIDENT_ADDRESS = "127.0.0.1"


def _photo():
    """A small PNG standing in for a resident's photo of the problem."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (150, 170, 190)).save(out, format="PNG")
    return SimpleUploadedFile("现场照片.png", out.getvalue(), content_type="image/png")


class StationsMixin:
    """Builds the stations, their opinions and one group discussion (after ``build_people``)."""

    def stations(self, session):
        if Station.objects.filter(name=QINGYAN).exists():
            return
        login, full_name = STATION_STAFF
        clerk = self.user(login, full_name)  # a station account only: no NPC staff group, no office
        liu, zhao = self.delegates["daibiao_liu"], self.delegates["daibiao_zhao"]
        with time_machine.travel(at(2026, 3, 2)):
            qingyan = station_actions.station_save(
                actor=self.staff,
                name=QINGYAN,
                address="花溪区青岩镇南街18号青岩镇人大办",
                hours="每周三、周五 9:00–12:00",
                allow_anonymous=True,
                delegates=[liu, zhao],
                staff_users=[clerk],
            )
            station_actions.station_save(
                actor=self.staff,
                name=QINGHUA,
                address="花溪区花溪街道清华社区服务中心二楼",
                hours="每周二 14:30–17:30",
                delegates=[self.delegates["daibiao_wang"], self.delegates["daibiao_chen"]],
            )
        self.station_opinions(qingyan, clerk)
        self.group_discussion(session)

    def resident_opinion(self, station, when, *, mobile, name, topic, text, place, delegate=None, photos=()):
        """A resident confirms the number with the SMS code and sends the opinion, at ``when``."""
        with time_machine.travel(when):
            verification = residents.verification_send(mobile=mobile, address=RESIDENT_ADDRESS)
            # The SMS carried a random code; the demo's resident "types" a known one.
            PhoneVerification.objects.filter(pk=verification.pk).update(
                code_hash=residents._code_hash(verification, DEMO_CODE)
            )
        with time_machine.travel(when.replace(minute=5)):
            return residents.opinion_submit(
                station=station,
                topic=topic,
                text=text,
                place=place,
                name=name,
                mobile=mobile,
                verification_id=verification.pk,
                code=DEMO_CODE,
                photos=photos,
                address=RESIDENT_ADDRESS,
                delegate=delegate,
            )

    def station_opinions(self, station, clerk):
        liu = self.delegates["daibiao_liu"]
        # Answered by the delegate, rated 满意, and published with its personal data taken out.
        lights = self.resident_opinion(
            station,
            at(2026, 10, 12),
            mobile="13900000011",
            name="罗大妈",
            topic="青岩古镇北街路灯不亮",
            text="北街靠近我家（罗家院子）一段有三盏路灯坏了半个月，晚上老人出门很不方便。我的电话13900000011。",
            place="青岩古镇北街",
            delegate=liu,
        )
        with time_machine.travel(at(2026, 10, 14)):
            station_actions.opinion_answer(
                opinion=lights,
                actor=self.u("daibiao_liu"),
                text="已联系镇综合执法队，坏的三盏路灯已于10月14日修复，今后发现路灯故障可直接到联络站反映。",
            )
        with time_machine.travel(at(2026, 10, 16)):
            residents.opinion_rate(opinion=lights, value=ResidentOpinion.Rating.SATISFIED)
        with time_machine.travel(at(2026, 10, 20)):
            station_actions.opinion_publish(
                opinion=lights,
                actor=clerk,
                public_text="青岩古镇北街有三盏路灯损坏半个月，夜间老人出行不便。",
                public_answer="经代表联系镇综合执法队，损坏路灯已于10月14日修复。",
            )
        # Answered by the station staff and rated 基本满意.
        market = self.resident_opinion(
            station,
            at(2026, 10, 28),
            mobile="13900000012",
            name="周师傅",
            topic="农贸市场周边占道经营",
            text="青岩农贸市场门口每天早上占道摆摊，车辆无法通行。",
            place="青岩农贸市场",
        )
        with time_machine.travel(at(2026, 10, 30)):
            station_actions.opinion_answer(
                opinion=market,
                actor=clerk,
                text="已反映镇市场监管所，早市期间增派人员疏导，并在市场内增设临时摊位。",
            )
        with time_machine.travel(at(2026, 11, 3)):
            residents.opinion_rate(opinion=market, value=ResidentOpinion.Rating.BASIC)
        # Forwarded to an office, which has not answered yet.
        bus = self.resident_opinion(
            station,
            at(2026, 11, 16),
            mobile="13900000013",
            name="陈同学",
            topic="青岩至花溪公交班次太少",
            text="周末青岩到花溪的公交车一小时才一班，学生返校很不方便，希望增加班次。",
            place="青岩镇汽车站",
        )
        with time_machine.travel(at(2026, 11, 17)):
            station_actions.opinion_forward(
                opinion=bus, actor=clerk, office=self.offices["交通局"], note="请研究周末加密班次的可行性。"
            )
        # Turned into a draft suggestion the station recorded for 刘芳, waiting for her confirmation.
        school = self.resident_opinion(
            station,
            at(2026, 11, 18),
            mobile="13900000014",
            name="吴女士",
            topic="中心小学放学时段交通拥堵",
            text="中心小学放学时接送车辆乱停，孩子过马路很危险，建议划定临时停车区并安排人员疏导。",
            place="青岩镇中心小学",
            delegate=liu,
        )
        with time_machine.travel(at(2026, 11, 20)):
            station_actions.opinion_suggest(
                opinions=[school],
                actor=clerk,
                title="关于规范青岩镇中心小学放学时段接送秩序的建议",
                body="群众反映，中心小学放学时接送车辆乱停乱放，学生过马路存在安全隐患。"
                "建议划定临时停车区，放学时段安排交警和志愿者疏导。",
                category=self.cat["交通运输"],
                delegate=liu,
            )
        # Just received, with a photo, waiting for a first response.
        self.resident_opinion(
            station,
            at(2026, 12, 3),
            mobile="13900000015",
            name="杨先生",
            topic="河道垃圾堆积",
            text="青岩河桥下堆了很多生活垃圾，天热有异味，附照片。",
            place="青岩河大桥",
            photos=[_photo()],
        )

    def group_discussion(self, session):
        """A group discussion of 青岩镇代表团 recorded by NPC staff: its draft waits for 刘芳's confirmation."""
        liu, zhao = self.delegates["daibiao_liu"], self.delegates["daibiao_zhao"]
        qingyan = Delegation.objects.get(term=session.term, name="青岩镇代表团")
        # 刘芳 is also the delegation's secretary: she may record its group discussions herself.
        qingyan.secretary = liu.user
        qingyan.save(update_fields=["secretary"])
        with time_machine.travel(at(2026, 1, 6, 16)):
            discussions.discussion_record(
                actor=self.staff,
                session=session,
                delegation=qingyan,
                date=at(2026, 1, 6).date(),
                place="区人大会议中心第3会议室",
                rows=[
                    discussions.RecordedRow(
                        title="关于加强青岩古镇旅游旺季交通组织的建议",
                        body="旅游旺季青岩古镇周边道路拥堵严重，建议增设临时停车场和接驳公交，完善交通引导标识。",
                        delegates=[liu, zhao],
                    )
                ],
                category=self.cat["交通运输"],
            )
