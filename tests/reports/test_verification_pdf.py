from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw
from pypdf import PdfReader

from jjg_desktop.cli.main import main
from jjg_desktop.reports.verification_record import render_verification_record
from jjg_desktop.rules.verification import BY_PHONE, CallAttempt, CheckResult
from jjg_desktop.services import verifications
from jjg_desktop.services.signatures import SignatureInput
from tests_support import add_enterprise


def _photo(path: Path) -> Path:
    img = Image.new("RGB", (3000, 2000), (90, 120, 160))
    ImageDraw.Draw(img).rectangle((400, 400, 2600, 1600), fill=(230, 230, 210))
    img.save(path, "JPEG")
    return path


def _signature_png() -> bytes:
    img = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    ImageDraw.Draw(img).line([(40, 150), (200, 40), (360, 160), (560, 60)], fill="black",
                             width=8)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _verification(ctx, store, clock, tmp_path) -> str:
    ent = add_enterprise(store, clock.now, name="江苏华泰建设工程有限公司",
                         home_province="江苏省", home_province_code="320000")
    v_id = verifications.record_verification(
        ctx, ent, verified_on=date(2026, 5, 18), method=BY_PHONE, verifiers=["刘晓燕"],
        checks={"reachable": CheckResult("不通过", note="连续三次拨打均无人接听", calls=[
            CallAttempt("2026-05-18 09:05", "13904331234", answered=False),
            CallAttempt("2026-05-18 14:30", "13904331234", answered=False)]),
            "office_present": CheckResult("未核查")},
        notes="将安排实地核查。",
        photos=[verifications.EvidencePhoto(_photo(tmp_path / "call.jpg"), "reachable",
                                            "通话记录截图")],
        signatures=[SignatureInput("核查人员", "刘晓燕", _signature_png())])
    return v_id


def test_the_record_reads_back_with_chinese_text_embedded_font_and_images(ctx, store, clock,
                                                                          tmp_path):
    v_id = _verification(ctx, store, clock, tmp_path)
    out = render_verification_record(store, v_id, tmp_path / "记录.pdf")

    reader = PdfReader(out)
    text = "".join(page.extract_text() for page in reader.pages)
    for expected in ("入吉企业动态核查记录", "住建核查〔2026〕1号", "江苏华泰建设工程有限公司",
                     "能够取得联系", "不通过",
                     "连续三次拨打均无人接听", "核查人员 刘晓燕", "13904331234 未接通",
                     "将安排实地核查", "通话记录截图", f"记录编号 {v_id}"):
        assert expected in text, expected
    fonts = [f.get_object() for p in reader.pages
             for f in p["/Resources"]["/Font"].values()]
    embedded = [f for f in fonts if f["/Subtype"] == "/TrueType"]
    assert embedded and all("/FontFile2" in f["/FontDescriptor"].get_object() for f in embedded)
    assert "\x00" not in text  # every character has a glyph: no blank digits or letters
    images = [img for p in reader.pages for img in p.images]
    assert len(images) >= 2  # the evidence photo and the signature
    assert max(img.image.width for img in images) <= 1200  # scaled for print
    assert out.stat().st_size < 1_000_000


def test_qr_and_number_bind_the_sheet_to_the_record(ctx, store, clock, tmp_path):
    v_id = _verification(ctx, store, clock, tmp_path)
    first = PdfReader(render_verification_record(store, v_id, tmp_path / "a.pdf"))
    again = PdfReader(render_verification_record(store, v_id, tmp_path / "b.pdf"))
    digest = [line for line in first.pages[0].extract_text().splitlines() if "内容校验" in line]
    assert digest and digest == [line for line in again.pages[0].extract_text().splitlines()
                                 if "内容校验" in line]


def test_cli_writes_the_pdf_and_reports_unknown_records(ctx, store, clock, tmp_path, capsys):
    v_id = _verification(ctx, store, clock, tmp_path)
    store.close()
    out = tmp_path / "cli.pdf"
    args = ["--data-dir", str(store.paths.data_dir), "pdf", "verification"]
    assert main([*args, v_id, "-o", str(out)]) == 0
    assert "入吉企业动态核查记录" in PdfReader(out).pages[0].extract_text()
    assert main([*args, "no-such-id", "-o", str(tmp_path / "x.pdf")]) == 2
    assert "找不到核查记录" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
