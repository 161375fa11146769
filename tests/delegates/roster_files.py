"""Rosters as staff receive them, written with openpyxl: merged title rows, a blank row, a footnote,
landlines beside mobiles, same-named delegates in different delegations, a duplicate office row."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

SURNAMES = "李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑"
GIVEN = ["建华", "秀兰", "国强", "丽华", "志明", "海燕", "德胜", "春梅", "永红", "玉兰", "明辉", "桂英"]
DELEGATIONS = ["花溪街道代表团", "青岩镇代表团", "石板镇代表团", "清溪代表团", "青溪代表团"]
# The 11 delegates the system already has, with accounts: (name, delegation, username).
EXISTING_WITH_ACCOUNTS = [(f"{SURNAMES[i]}{GIVEN[i % 12]}", DELEGATIONS[i % 3], f"daibiao{i:02d}") for i in range(11)]


def _save(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _title(sheet, text, width):
    sheet.append([text])
    sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width)
    cell = sheet.cell(row=sheet.max_row, column=1)
    cell.font = Font(bold=True, size=16)
    cell.alignment = Alignment(horizontal="center")


def delegate_rows():
    """60 (name, delegation, mobile cell, landline cell) as people write them."""
    rows = []
    for i in range(60):
        name = f"{SURNAMES[i % 20]}{GIVEN[i % 12]}"
        delegation = DELEGATIONS[i % 3]
        if i < 11:
            name, delegation, _username = EXISTING_WITH_ACCOUNTS[i]
        mobile = [
            f"+86 139 0000 {i:04d}",
            f"86-13900{i:06d}",
            f"139-0000-{i:04d}",
            "".join(chr(ord(c) + 0xFEE0) for c in f"13900{i:06d}"),  # full-width digits
            f"139 0000 {i:04d}",
        ][i % 5]
        landline = ["", "0851-83612345", "83612345转801", "(0851)8361 2346", ""][i % 5]
        rows.append([name, delegation, mobile, landline])
    # Same names in different delegations: 王芳 of 花溪街道 (new), 王芳 of 青岩镇 (new, the system has one elsewhere).
    rows[57] = ["王芳", "花溪街道代表团", "13900000057", ""]
    rows[58] = ["王芳", "青岩镇代表团", "13900000058", ""]
    rows[59] = ["王  芳", "清溪代表团", "13900000059", ""]
    rows[56] = ["赵敏", "青溪代表团", "13900000056", "0851-88880000"]
    return rows


def delegate_roster():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "代表名单"
    headers = ["序号", "代表姓名", "性别", "代表团（组）", "选区", "工作单位及职务", "手机", "联系电话", "备注"]
    _title(sheet, "花溪区第十八届人民代表大会代表名单", len(headers))
    _title(sheet, "（截至2026年11月）", len(headers))
    sheet.append(headers)
    for index, (name, delegation, mobile, landline) in enumerate(delegate_rows(), start=1):
        sheet.append(
            [
                index,
                name,
                "女" if index % 2 else "男",
                delegation,
                f"{delegation[:2]}第{index % 7 + 1}选区",
                f"花溪区某单位{index}号职工",
                mobile,
                landline,
                "连任" if index % 9 == 0 else None,
            ]
        )
        if index == 30:
            sheet.append([])  # a blank row in the middle of the table
    sheet.append([])
    sheet.append(["注：1. 本名单按代表团排列；2. 联系电话仅供工作联系使用，请勿外传。"])
    sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=len(headers))
    sheet.append(["制表：区人大常委会选联工委", None, None, None, None, None, "2026年11月20日"])
    return _save(workbook)


OFFICES = [
    ("区住建局", "住建局", "李明", "0851-83600001"),
    ("区交通运输局", "交通局", "王强", "13900001002"),
    ("区教育局", "教育局", "张丽", "0851-83600003"),
    ("区卫生健康局", "卫健局", "刘洋", "0851-83600004转12"),
    ("区综合行政执法局", "执法局", "陈静", "13900001005"),
    ("区财政局", "财政局", "杨帆", "0851-83600006"),
    ("花溪街道办事处", "花溪街道", "黄蕾", "13900001007"),
    ("青岩镇人民政府", "青岩镇", "赵刚", "0851-83600008"),
    ("区民政局", "民政局", "周红", "13900001009"),
    ("区水务管理局", "水务局", "吴斌", "0851-83600010"),
    ("区农业农村局", "农业农村局", "徐燕", "13900001011"),
    ("区市场监督管理局", "市场监管局", "孙涛", "0851-83600012"),
    ("区人力资源和社会保障局", "人社局", "马丽", "13900001013"),
    ("区自然资源局", "自然资源局", "朱军", "0851-83600014"),
    ("区文化旅游局", "文旅局", "胡敏", "13900001015"),
    ("区生态环境分局", "环境分局", "郭峰", "0851-83600016"),
    ("区应急管理局", "应急局", "何平", "13900001017"),
    ("区林业局", "林业局", "高洁", "0851-83600018"),
]


def office_roster():
    workbook = Workbook()
    sheet = workbook.active
    headers = ["序号", "承办单位", "简称", "经办人", "联系电话", "办公地址"]
    _title(sheet, "2026年建议承办单位及联系人名单", len(headers))
    sheet.append(headers)
    for index, (name, short, contact, phone) in enumerate(OFFICES, start=1):
        sheet.append([index, name, short, contact, phone, f"花溪大道{index}号"])
        if index == 9:
            sheet.append([])
    sheet.append([19, "区住建局", "住建局", "李明", "0851-83600001", "花溪大道1号"])  # the same office again
    sheet.append([])
    sheet.append(["说明：经办人变动请及时告知选联工委。"])
    return _save(workbook)
