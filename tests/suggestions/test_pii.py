"""Personal data in texts about to become public: every phone and ID number caught, no look-alike flagged."""

import pytest

from suggestions import pii

# (text, [(kind, the span's text), …]) — realistic sentences from suggestions and replies.
POSITIVE = [
    ("我的手机号是13912345678，请与我联系。", [("mobile", "13912345678")]),
    ("联系人：张大爷，电话139 1234 5678。", [("mobile", "139 1234 5678")]),
    ("如有疑问请拨打139-1234-5678咨询。", [("mobile", "139-1234-5678")]),
    ("代表手机+86 139 1234 5678，办公室电话另附。", [("mobile", "+86 139 1234 5678")]),
    ("请联系+8613912345678。", [("mobile", "+8613912345678")]),
    ("请联系 86-139-1234-5678 王女士。", [("mobile", "86-139-1234-5678")]),
    ("村民反映可拨打１３９１２３４５６７８（全角）。", [("mobile", "１３９１２３４５６７８")]),
    ("手机：１５８－８５１２－３３４０", [("mobile", "１５８－８５１２－３３４０")]),
    ("经办人李明（18685123456）已上门核实。", [("mobile", "18685123456")]),
    ("(+86)17708512345 为居民代表的电话", [("mobile", "(+86)17708512345")]),
    ("投诉人手机0086 13688889999。", [("mobile", "0086 13688889999")]),
    ("承办单位联系电话：0851-85551234。", [("landline", "0851-85551234")]),
    ("联系电话0851－8555 1234转8021", [("landline", "0851－8555 1234转8021")]),
    ("办公电话：（0851）85551234", [("landline", "（0851）85551234")]),
    ("请致电085185551234了解详情。", [("landline", "085185551234")]),
    ("座机：8555-1234，工作日接听。", [("landline", "8555-1234")]),
    ("联系电话83861234。", [("landline", "83861234")]),
    ("电话 010-62751234 分机 305", [("landline", "010-62751234 分机 305")]),
    ("+86 851 8555 1234".replace("+86 851", "+86 0851"), [("landline", "+86 0851 8555 1234")]),
    ("身份证号520111199001011234，户籍在青岩镇。", [("id", "520111199001011234")]),
    ("身份证：52011119900101123X", [("id", "52011119900101123X")]),
    ("申请人身份证号码为52011120010229002x。", [("id", "52011120010229002x")]),
    ("身份证号５２０１１１１９８５１２３１００１７。", [("id", "５２０１１１１９８５１２３１００１７")]),
    ("河北籍务工人员130102198803154321已登记。", [("id", "130102198803154321")]),
    ("请将材料发送至 zhang.san@qq.com 。", [("email", "zhang.san@qq.com")]),
    ("邮箱：huaxi_rd2025@163.com，欢迎来信。", [("email", "huaxi_rd2025@163.com")]),
    ("反馈请发 wang-li+jianyi@gz.gov.cn", [("email", "wang-li+jianyi@gz.gov.cn")]),
    ("我家住青岩镇龙井村3组12号，门口道路坑洼。", [("address", "3组12号")]),
    ("石板镇摆古村三组的饮水管破裂。", [("address", "三组")]),
    ("家住花溪大道28号5栋2单元301室，楼道灯坏了。", [("address", "28号5栋2单元301室")]),
    ("清溪路12-3号门前积水严重。", [("address", "12-3号")]),
    ("小区7栋2单元502室漏水至楼下。", [("address", "7栋2单元502室")]),
    ("3号楼1单元的电梯经常故障。", [("address", "3号楼1单元")]),
    ("住在2单元402室的老人行动不便。", [("address", "2单元402室")]),
    ("门牌号为15号的住户反映噪音扰民。", [("address", "15号")]),
    ("村民王某（住新楼寨5组8号，电话13608512345）反映：", [("address", "5组8号"), ("mobile", "13608512345")]),
    (
        "联系人刘某，手机13985012345，身份证520111197507071234，住溪北路3号8幢301室。",
        [("mobile", "13985012345"), ("id", "520111197507071234"), ("address", "3号8幢301室")],
    ),
    (
        "请与社区联系（电话：0851 8386 1234，邮箱 sq@huaxi.gov.cn）。",
        [("landline", "0851 8386 1234"), ("email", "sq@huaxi.gov.cn")],
    ),
    (
        "居民陈某某，手机号 159 8501 2345，家住甲秀南路9号2栋1单元。",
        [("mobile", "159 8501 2345"), ("address", "9号2栋1单元")],
    ),
    ("来电人：13312345678（微信同号）", [("mobile", "13312345678")]),
    ("值班电话：0851-83861234、83865678", [("landline", "0851-83861234"), ("landline", "83865678")]),
    ("联系方式13985012345或13608512345均可。", [("mobile", "13985012345"), ("mobile", "13608512345")]),
    ("身份证号码：52011119900101123Ｘ", [("id", "52011119900101123Ｘ")]),
    ("金竹镇新寨村10组的村民反映饮水困难。", [("address", "10组")]),
]

# Not personal: no span at all, so nothing blocks publication.
LOOKALIKES = [
    "根据花府发〔2025〕12号文件，该项目已列入计划。",
    "依照筑府办发〔2024〕35号通知执行。",
    "地铁3号线花溪段预计2026年通车。",
    "轨道交通S1号线延伸工程正在论证。",
    "第12号建议与第15号建议内容相近，已并案办理。",
    "本次会议共收到代表建议138件，其中重点督办建议12件。",
    "项目总投资13800万元，其中中央资金5000万元。",
    "区财政安排专项资金28000000元用于管网改造。",
    "2025年3月12日召开现场办公会。",
    "计划于2025-03-12前完成招标，2025-12-31前完工。",
    "截至20250312，已完成进度的85.5%。",
    "全区共有农村人口123456人，覆盖率98.7%。",
    "改造道路长度12.5公里，宽度7米。",
    "新建3栋教学楼，可容纳学生1200人。",
    "共涉及6个村18个组，受益群众3000余户。",
    "办理结果为A类，答复时限为3个月。",
    "G210国道花溪段改造已纳入“十四五”规划。",
    "请拨打12345政务服务便民热线反映问题。",
    "全国统一服务热线400-123-4567提供咨询。",
    "该条例第二十三条第3款作出了规定。",
    "黔府函〔2023〕108号批复同意实施。",
    "建设用地面积约15000平方米，容积率2.5。",
    "公交208路、213路途经该站点。",
    "学校现有教职工86人，学生1352人。",
    "经费预算为1,350,000元。",
    "9855厂家属区共有住宅楼28栋、住户1100余户。",
    "拨打12345热线、110或119均可。",
    "2024年、2025年两年投入3200万元、4800万元。",
]


@pytest.mark.parametrize(("text", "expected"), POSITIVE, ids=[t[:16] for t, _e in POSITIVE])
def test_every_phone_id_email_and_address_is_found(text, expected):
    spans = pii.find(text)
    assert [(s.kind, s.text) for s in spans] == expected


@pytest.mark.parametrize(("text", "expected"), POSITIVE, ids=[t[:16] for t, _e in POSITIVE])
def test_a_masked_text_holds_no_personal_data_and_keeps_the_rest(text, expected):
    masked = pii.mask(text)
    assert pii.find(masked) == []
    assert len(masked) <= len(text) + 3
    for _kind, found in expected:
        assert found not in masked


@pytest.mark.parametrize("text", LOOKALIKES, ids=[t[:16] for t in LOOKALIKES])
def test_a_look_alike_is_not_personal_data(text):
    assert pii.find(text) == []
    assert pii.mask(text) == text


def test_there_are_at_least_fifty_realistic_texts():
    assert len(POSITIVE) + len(LOOKALIKES) >= 50


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("手机13912345678", "手机139****5678"),
        ("手机+86 139-1234-5678", "手机+86 139-****-5678"),
        ("电话0851-85551234", "电话0851-********"),
        ("身份证520111199001011234", "身份证520***********1234"),
        ("邮箱zhang.san@qq.com", "邮箱z***@qq.com"),
        ("住龙井村3组12号", "住龙井村*组**号"),
        ("花溪大道28号5栋2单元301室", "花溪大道**号*栋*单元***室"),
    ],
)
def test_mask_keeps_enough_to_read_and_nothing_to_identify(text, masked):
    assert pii.mask(text) == masked


def test_a_span_recorded_as_not_personal_is_no_longer_open():
    text = "联系电话83861234，手机13912345678。"
    assert [s.text for s in pii.unmasked(text, not_personal=["83861234"])] == ["13912345678"]


def test_highlight_covers_the_whole_text_in_order():
    text = "请联系13912345678或zhang@qq.com。"
    pieces = pii.highlight(text)
    assert "".join(piece for piece, _span in pieces) == text
    assert [span.kind for _piece, span in pieces if span] == ["mobile", "email"]
