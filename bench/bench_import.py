"""Importing a 10k-row registration list, against openpyxl's own read of the same file.

Generates a realistic province registration sheet (valid codes, a few broken rows), then in
one run measures: openpyxl loading and iterating the sheet (the floor any importer pays),
our preview (read + validate + compare with the store) and our apply (one transaction with
audit and outbox per row). Prints the times and the ratio of our full import to the read.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

import openpyxl

from jjg_desktop.config import resolve_paths
from jjg_desktop.demo import fake
from jjg_desktop.services.context import ServiceContext
from jjg_desktop.services.registration_import import apply_import, read_registration_sheet
from jjg_desktop.services.startup import open_store, set_profile

HEADER = ["序号", "统一社会信用代码", "企业名称", "注册地省份", "登记日期", "在吉办公地址",
          "在吉负责人", "联系电话", "资质", "安全生产许可证号", "安全生产许可证有效期", "承诺事项"]


def make_sheet(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("入吉企业登记")
    ws.append(["2026年入吉企业信息登记表"])
    ws.append(HEADER)
    for n in range(1, rows + 1):
        prov = rng.choice(fake.HOME_PROVINCES)
        code = fake.credit_code(rng, prov.capital_division)
        if n % 97 == 0:
            code = code[:-1] + ("0" if code[-1] != "0" else "1")
        ws.append([n, code, fake.enterprise_name(rng, prov.short), prov.name,
                   datetime(2026, rng.randint(1, 4), rng.randint(1, 28)),
                   fake.address(rng, "延边朝鲜族自治州", "珲春市"), fake.person_name(rng),
                   fake.mobile(rng), fake.qualification(rng),
                   fake.safety_licence_no(rng, prov.short, rng.randint(2020, 2024)),
                   date(rng.randint(2025, 2029), rng.randint(1, 12), 1),
                   "承诺在吉设有固定办公场所；承诺登记信息真实"])
    wb.save(path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=10_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sheet = Path(tmp) / "list.xlsx"
        make_sheet(sheet, args.rows)
        store = open_store(resolve_paths(data_dir=Path(tmp) / "data"))
        actor = set_profile(store, username="bench", display_name="测试员", role="county_clerk",
                            division_code="222404")
        ctx = ServiceContext(store=store, actor=actor,
                             clock=lambda: datetime(2026, 5, 18, 9, 0))

        t = time.perf_counter()
        wb = openpyxl.load_workbook(sheet, data_only=True)
        cells = sum(len(r) for r in wb.active.iter_rows(values_only=True))
        read = time.perf_counter() - t

        t = time.perf_counter()
        preview = read_registration_sheet(ctx, sheet)
        previewed = time.perf_counter() - t
        t = time.perf_counter()
        summary = apply_import(ctx, preview)
        applied = time.perf_counter() - t
        t = time.perf_counter()
        again = read_registration_sheet(ctx, sheet)
        reread = time.perf_counter() - t
        store.close()

    print(f"rows: {args.rows} ({cells} cells); {preview.describe()}")
    print(f"openpyxl load + iterate : {read:6.2f} s")
    print(f"our preview             : {previewed:6.2f} s  ({previewed / read:.2f}× the read)")
    print(f"our apply               : {applied:6.2f} s  "
          f"({summary.created} created in one transaction)")
    print(f"re-import preview       : {reread:6.2f} s  ({again.describe()})")
    print(f"full import / read ratio: {(previewed + applied) / read:.2f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
