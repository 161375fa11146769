"""The demo's workflow replay: the showcase item carried end to end, and the helpers every replayed step uses.

Each step runs through the actions at a believable date (time travel), so deadlines, audit rows and the
timeline read as they would in real use.
"""

import datetime

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from suggestions import actions, pii
from suggestions.management.demo.data import LETTER_PDF, SHOWCASE_BODY, SHOWCASE_REPLY, SHOWCASE_TITLE, at
from suggestions.models import Rating


class WorkflowMixin:
    """Replays a suggestion's steps as its people would take them."""

    def letter(self, assignment, actor):
        """The signed reply letter every reply to a delegate carries (see ``actions.reply_requirements``)."""
        uploaded = SimpleUploadedFile("盖章答复函.pdf", LETTER_PDF, content_type="application/pdf")
        return actions.attachment_add(
            suggestion=assignment.suggestion, actor=actor, uploaded_file=uploaded, content_type="application/pdf"
        )

    # ------------------------------------------------------------------ the showcase item
    def showcase(self, session):
        chen = self.delegates["daibiao_chen"]
        with time_machine.travel(at(2025, 1, 7, 15)):
            s = actions.suggestion_save_draft(
                actor=self.u("daibiao_wang"),
                title=SHOWCASE_TITLE,
                body=SHOWCASE_BODY,
                category=self.cat["城乡建设"],
                session=session,
            )
            actions.cosigner_invite(suggestion=s, actor=self.u("daibiao_wang"), delegates=[chen])
        with time_machine.travel(at(2025, 1, 7, 20)):
            actions.cosigner_respond(cosigner=s.cosigners.get(delegate=chen), actor=self.u("daibiao_chen"), accept=True)
        with time_machine.travel(at(2025, 1, 8, 9)):
            actions.suggestion_submit(suggestion=s, actor=self.u("daibiao_wang"))
        with time_machine.travel(at(2025, 1, 20)):
            actions.suggestion_register(suggestion=s, actor=self.staff, number=18040012)
        with time_machine.travel(at(2025, 2, 10)):
            actions.suggestion_assign(
                suggestion=s,
                actor=self.staff,
                lead_office=self.offices["住建局"],
                co_offices=[self.offices["财政局"], self.offices["花溪街道"]],
                is_key=True,
                leader=self.leader,
            )
        lead = s.assignments.get(role="lead")
        with time_machine.travel(at(2025, 2, 11)):
            for a in s.assignments.all():
                actions.assignment_sign(assignment=a, actor=self.clerk(a.office.short_name))
        with time_machine.travel(at(2025, 3, 5)):
            actions.contact_record(
                assignment=lead,
                actor=self.clerk("住建局"),
                method="site",
                date=datetime.date(2025, 3, 5),
                participants="李建国（区委书记）、王秀英代表、陈志强代表、区住建局、花溪街道、居民代表8人",
                summary="现场察看9855厂家属区管网、楼道和路面情况，与居民代表座谈，确定“先安全、后提升”的改造顺序。",
                delegate_invited=True,
            )
        with time_machine.travel(at(2025, 3, 10)):
            actions.opinion_send(
                assignment=s.assignments.get(office=self.offices["财政局"]),
                actor=self.clerk("财政局"),
                text="同意将该项目纳入年度老旧小区改造资金计划，统筹中央补助和区级配套资金约3200万元。",
            )
            actions.opinion_send(
                assignment=s.assignments.get(office=self.offices["花溪街道"]),
                actor=self.clerk("花溪街道"),
                text="街道负责组织居民议事会，做好群众工作和改造后物业引入。",
            )
        with time_machine.travel(at(2025, 4, 18)):
            reply = actions.reply_save_draft(
                assignment=lead,
                actor=self.clerk("住建局"),
                text=SHOWCASE_REPLY,
                result_class=self.rc["A"],
                signed_off_by="杨光（局长）",
                attachment=self.letter(lead, self.clerk("住建局")),
            )
            actions.reply_submit(reply=reply, actor=self.clerk("住建局"))
        with time_machine.travel(at(2025, 4, 25)):
            actions.rating_submit(
                reply=reply,
                actor=self.u("daibiao_wang"),
                value=Rating.Value.SATISFIED,
                comment="改造效果很好，居民非常满意，感谢各部门。",
            )
            actions.rating_submit(reply=reply, actor=self.u("daibiao_chen"), value=Rating.Value.SATISFIED, comment="")
        with time_machine.travel(at(2025, 5, 6)):
            public = SHOWCASE_REPLY.replace("联系人：李明　联系电话：0851-8888XXXX", "")
            self.publish(reply, public)

    # ------------------------------------------------------------------ the current session, every state
    def draft(self, login, title, body, category, when, session):
        with time_machine.travel(when):
            return actions.suggestion_save_draft(
                actor=self.u(login), title=title, body=body, category=self.cat[category], session=session
            )

    def filed(self, login, title, body, category, when, session, number=None, staff_day=None):
        s = self.draft(login, title, body, category, when, session)
        with time_machine.travel(when + datetime.timedelta(hours=1)):
            actions.suggestion_submit(suggestion=s, actor=self.u(login))
        if number:
            with time_machine.travel(staff_day or when + datetime.timedelta(days=7)):
                actions.suggestion_register(suggestion=s, actor=self.staff, number=number)
        return s

    def publish(self, reply, public_text=None):
        """As staff do on the review page: the masked versions of title, body and reply, then publish."""
        s = reply.suggestion
        actions.reply_publish(
            reply=reply,
            actor=self.staff,
            public_title=pii.mask(s.title),
            public_body=pii.mask(s.body),
            public_text=pii.mask(public_text or reply.text),
        )

    def carry_to_reply(self, suggestion, short, assigned, code, text):
        with time_machine.travel(assigned):
            asg = actions.suggestion_assign(suggestion=suggestion, actor=self.staff, lead_office=self.offices[short])[0]
        with time_machine.travel(assigned + datetime.timedelta(days=2)):
            actions.assignment_sign(assignment=asg, actor=self.clerk(short))
        with time_machine.travel(assigned + datetime.timedelta(days=20)):
            actions.contact_record(
                assignment=asg,
                actor=self.clerk(short),
                method="phone",
                date=(assigned + datetime.timedelta(days=20)).date(),
                participants=f"{suggestion.lead_delegate.name}代表、{short}经办人",
                summary="电话沟通办理思路，听取代表意见。",
            )
        with time_machine.travel(assigned + datetime.timedelta(days=40)):
            reply = actions.reply_save_draft(
                assignment=asg,
                actor=self.clerk(short),
                text=text,
                result_class=self.rc[code],
                signed_off_by=f"{short}负责人",
                attachment=self.letter(asg, self.clerk(short)),
            )
            actions.reply_submit(reply=reply, actor=self.clerk(short))
        return reply
