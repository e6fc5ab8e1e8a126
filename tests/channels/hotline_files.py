"""Generate hotline exports (.xlsx and .csv) for the import tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

import openpyxl

HEADER = [
    "工单编号",
    "来电时间",
    "诉求内容",
    "小区/地址",
    "诉求类别",
    "紧急程度",
    "来电人",
    "联系电话",
]


def good_row(n: int, compound: str = "团结公寓", ticket: str | None = None) -> list[Any]:
    return [
        ticket or f"T-2026-{n:06d}",
        "2026-10-03 09:15",
        f"2号楼楼道灯不亮 {n}（示例）",
        f"{compound}2号楼",
        "电梯",
        "一般",
        "张女士",
        "13800001234",
    ]


def xlsx(rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(
    rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER, encoding: str = "utf-8-sig"
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode(encoding)
