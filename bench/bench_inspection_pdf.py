"""The inspection record with 20 photos: `render_inspection_record` against embedding the
same photos as they are stored, same run.

    python bench/bench_inspection_pdf.py [--db PATH] [--photos 20] [--runs 3] [generator options]

Copies the large dataset, fills in a whole inspection on one of its projects through the
services — 40 answers, three findings, signatures — and attaches 20 camera-sized photos
(3000×2250, textured like a site photo, so JPEG cannot squeeze them to nothing). Each photo
goes through `prepare_photo` as in the app (stored at up to 2560 px).

Ours renders the full record: tables, findings, the photo grid scaled to print resolution,
signatures, QR. The baseline is reportlab drawing the 20 stored photos as they are, one per
half page, with nothing else: what embedding them costs without scaling. The first render
of ours is reported apart (it loads the CJK font). Exits 1 when a render takes over 2 s or
the file is over 5 MB.
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from bench_answers import copy_synced
from generate_large import DEFAULT_DB, DEFAULTS, generate
from PIL import Image, ImageDraw, ImageFilter
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from jjg_desktop.config import resolve_paths
from jjg_desktop.reports.inspection_record import render_inspection_record
from jjg_desktop.services import inspections
from jjg_desktop.services.context import ServiceContext, Store
from jjg_desktop.services.inspections import TeamEntry
from jjg_desktop.services.startup import open_store, set_profile
from jjg_desktop.store import attachments
from jjg_desktop.store.read.inspections import inspection_detail

TARGET_SECONDS, TARGET_BYTES = 2.0, 5 * 1024 * 1024
TEAM = (TeamEntry("刘晓燕", "干部", "22240400001", "bench"),
        TeamEntry("朴成哲", "干部", "22240400017"), TeamEntry("金哲", "专家"))
USUAL = {"compliance": "符合", "photo": "符合", "number": "92", "text": "无"}
FINDINGS = {"SM-02": ("72.5", "实名制平台统计近30日打卡率72.5%"),
            "SG-08": ("不符合", "安全管理负责人的社会养老保险由其他单位缴纳"),
            "SM-07": ("不符合", "告示牌未公示劳动争议调解仲裁申请渠道和法律援助申请渠道")}


def site_photo(path: Path, seed: int, size: tuple[int, int] = (3000, 2250)) -> Path:
    """A photo with a site photo's texture (noise under shapes, slightly soft)."""
    rng = random.Random(seed)
    img = Image.merge("RGB", [Image.effect_noise(size, 28 + 6 * c) for c in range(3)])
    draw = ImageDraw.Draw(img, "RGBA")
    for _ in range(40):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        w, h = rng.randrange(100, 1200), rng.randrange(80, 900)
        draw.rectangle((x, y, x + w, y + h), fill=(rng.randrange(256), rng.randrange(256),
                                                   rng.randrange(256), 150))
    img.filter(ImageFilter.GaussianBlur(1.0)).save(path, "JPEG", quality=90)
    return path


def signature_png(seed: int) -> bytes:
    rng = random.Random(seed)
    img = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    ImageDraw.Draw(img).line([(40 + 50 * i, rng.randrange(40, 160)) for i in range(11)],
                             fill="black", width=7)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def fill_record(store: Store, scratch: Path, photos: int) -> str:
    actor = set_profile(store, username="bench", display_name="刘晓燕", role="county_clerk",
                        division_code="222404")
    ctx = ServiceContext(store=store, actor=actor)
    with store.db.read() as s:
        project_id = s.connection().exec_driver_sql(
            "SELECT p.id FROM project p WHERE p.division_code = '222404' AND p.status = '在建' "
            "AND (SELECT count(*) FROM key_person k WHERE k.project_id = p.id) >= 2 "
            "LIMIT 1").scalar_one()
    inspection_id = inspections.plan(ctx, project_id, method="四不两直",
                                     planned_on=date.today(), team=TEAM)
    inspections.start(ctx, inspection_id, place="施工现场")
    with store.db.read() as s:
        detail = inspection_detail(s, inspection_id)
    assert detail is not None
    photo_items = [i.code for i in detail.items if i.answer_type == "photo"]
    finding_items = list(FINDINGS)
    for item in detail.items:
        value, remark = FINDINGS.get(item.code, (USUAL[item.answer_type], ""))
        inspections.answer(ctx, inspection_id, item.code, value, remark or None)
    t = time.perf_counter()
    for n in range(photos):
        path = site_photo(scratch / f"IMG_{n:04d}.jpg", n)
        targets = photo_items + finding_items
        inspections.attach_photo(ctx, inspection_id, path, item_code=targets[n % len(targets)],
                                 caption=f"现场照片{n + 1}")
    print(f"made and attached {photos} photos in {time.perf_counter() - t:.1f} s")
    for n, member in enumerate(TEAM):
        inspections.sign(ctx, inspection_id, signer_role="检查人员", signer_name=member.name,
                         png=signature_png(n))
    inspections.sign(ctx, inspection_id, signer_role="受检单位代表", signer_name="张立新",
                     png=signature_png(99))
    inspections.complete(ctx, inspection_id, "检查40项：不符合3项。已当场下达整改通知书。")
    return inspection_id


def baseline(store: Store, inspection_id: str, out: Path) -> float:
    with store.db.read() as s:
        detail = inspection_detail(s, inspection_id)
    assert detail is not None
    shas = [p.sha256 for i in detail.items for p in i.photos] + [p.sha256 for p in detail.photos]
    t = time.perf_counter()
    canvas = Canvas(str(out), pagesize=A4)
    for n, sha in enumerate(shas):
        path = attachments.path_of(store.paths.attachments_dir, sha)
        canvas.drawImage(str(path), 28 * mm, (150 if n % 2 == 0 else 30) * mm,
                         width=156 * mm, height=117 * mm, preserveAspectRatio=True)
        if n % 2 == 1:
            canvas.showPage()
    canvas.save()
    return time.perf_counter() - t


def run(source: Path, photos: int, runs: int) -> int:
    with tempfile.TemporaryDirectory(prefix="jjg-bench-pdf-") as tmp:
        scratch = Path(tmp)
        db = scratch / "pdf.sqlite"
        copy_synced(source, db)
        store = open_store(resolve_paths(db=db, data_dir=scratch))
        try:
            inspection_id = fill_record(store, scratch, photos)
            times, sizes = [], []
            for n in range(runs + 1):
                out = scratch / f"record-{n}.pdf"
                t = time.perf_counter()
                render_inspection_record(store, inspection_id, out)
                times.append(time.perf_counter() - t)
                sizes.append(out.stat().st_size)
            kept = Path(tempfile.gettempdir()) / "jjg-bench" / "inspection-record-20-photos.pdf"
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(scratch / "record-0.pdf", kept)
            base_out = scratch / "baseline.pdf"
            base_times = [baseline(store, inspection_id, base_out) for _ in range(runs)]
            stored = sum(attachments.path_of(store.paths.attachments_dir, p.sha256).stat().st_size
                         for p in _photos(store, inspection_id))
        finally:
            store.close()
        base_size = base_out.stat().st_size
    warm = statistics.median(times[1:])
    print(f"\ninspection record, {photos} photos ({stored / 1e6:.1f} MB as stored), "
          f"{runs} runs after a first one")
    print(f"  ours, first render (font loading): {times[0]:6.2f} s")
    print(f"  ours, median of later renders:     {warm:6.2f} s   {sizes[-1] / 1e6:5.2f} MB")
    print(f"  baseline, photos as stored:        {statistics.median(base_times):6.2f} s   "
          f"{base_size / 1e6:5.2f} MB")
    print(f"ratio ours/baseline: time {warm / statistics.median(base_times):.2f}x, "
          f"size {sizes[-1] / base_size:.2f}x")
    print(f"the record is kept at {kept}")
    failures = []
    if max(times) > TARGET_SECONDS:
        failures.append(f"a render took {max(times):.2f} s (target {TARGET_SECONDS:.0f} s)")
    if max(sizes) > TARGET_BYTES:
        failures.append(f"the file is {max(sizes) / 1e6:.1f} MB (target 5 MB)")
    print("\nRESULT:", "; ".join(failures) if failures else "targets met")
    return 1 if failures else 0


def _photos(store: Store, inspection_id: str) -> list:
    with store.db.read() as s:
        detail = inspection_detail(s, inspection_id)
    assert detail is not None
    return [p for i in detail.items for p in i.photos] + list(detail.photos)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", type=Path, default=DEFAULT_DB)
    p.add_argument("--photos", type=int, default=20)
    p.add_argument("--runs", type=int, default=3)
    for name, value in DEFAULTS.items():
        p.add_argument(f"--{name}", type=int, default=value)
    a = p.parse_args(argv)
    generate(a.db, enterprises=a.enterprises, projects=a.projects, inspections=a.inspections,
             seed=a.seed)
    return run(a.db, a.photos, a.runs)


if __name__ == "__main__":
    sys.exit(main())
