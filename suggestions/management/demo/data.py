"""The demo's fixed data: its people, offices, the showcase texts and the stand-in reply letter."""

import datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
PASSWORD = "demo12345"  # noqa: S105 - published demo logins, see README
SHOWCASE_TITLE = "关于加快推进9855厂家属区老旧小区改造的建议"

OFFICES = [
    ("区住房和城乡建设局", "住建局", "zhujian"),
    ("区交通运输局", "交通局", "jiaotong"),
    ("区教育局", "教育局", "jiaoyu"),
    ("区卫生健康局", "卫健局", "weijian"),
    ("区综合行政执法局", "执法局", "zhifa"),
    ("区财政局", "财政局", "caizheng"),
    ("花溪街道办事处", "花溪街道", "huaxijd"),
]
DELEGATES = [
    ("daibiao_wang", "王秀英", "花溪街道代表团", "花溪街道第3选区", "花溪街道清华社区居委会主任", "13800000001"),
    ("daibiao_chen", "陈志强", "花溪街道代表团", "花溪街道第5选区", "贵州某机械厂退休职工", "13800000002"),
    ("daibiao_liu", "刘芳", "青岩镇代表团", "青岩镇第1选区", "青岩镇中心小学教师", "13800000003"),
    ("daibiao_zhao", "赵国庆", "石板镇代表团", "石板镇第2选区", "石板镇农业合作社负责人", "13800000004"),
    ("daibiao_sun", "孙丽", "贵筑街道代表团", "贵筑街道第1选区", "社区卫生服务中心医生", "13800000005"),
]

SHOWCASE_BODY = """9855厂家属区建于上世纪七八十年代，共有住宅楼28栋、住户1100余户，其中60岁以上老人占四成。小区普遍存在以下问题：
一是雨污管网老化，雨季多处积水，部分楼栋化粪池外溢；
二是楼道照明、消防设施缺失，电线私拉乱接，存在安全隐患；
三是路面破损，缺少停车位和无障碍通道，老人出行不便；
四是缺少活动场地和养老服务设施。

建议：
1．将9855厂家属区列入本年度老旧小区改造计划，统筹住建、财政和街道力量，先行解决管网、消防等安全问题；
2．改造前充分听取居民意见，成立居民议事会，做到“改不改、改什么、怎么改”由居民商量；
3．同步配建养老服务站和活动场地，增设无障碍设施；
4．建立改造后长效管理机制，引入物业服务。"""

SHOWCASE_REPLY = """王秀英代表：

您提出的《关于加快推进9855厂家属区老旧小区改造的建议》收悉。该建议被列为区人大常委会重点督办建议，由区委主要领导领衔督办。现将办理情况答复如下：

一、列入改造计划。我局会同区财政局、花溪街道办事处，将9855厂家属区整体列入年度老旧小区改造计划，总投资约3200万元。
二、先解决安全问题。已完成雨污分流管网改造4.2公里，更换消防设施及楼道照明，规范电线1.8万米。
三、居民商量着改。成立了由居民代表、代表联络站和街道组成的议事会，召开议事会议12次，改造方案经居民表决通过。
四、补齐服务设施。新建养老服务站1处、居民活动广场1处，新增停车位160个，增设无障碍坡道和扶手。
五、长效管理。引入物业服务企业，建立“街道—社区—物业—居民”四方共管机制。

目前改造工程已全部完工，居民生活条件明显改善。感谢您对住房和城乡建设工作的关心和支持。

联系人：李明　联系电话：0851-8888XXXX"""


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, 0, tzinfo=TZ)


# A one-page PDF standing in for the scanned, signed and stamped reply letter (盖章答复函).
LETTER_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
