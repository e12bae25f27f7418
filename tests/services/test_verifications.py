from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from jjg_desktop.rules.verification import ON_SITE, CheckResult
from jjg_desktop.services import enterprise_facts, verifications
from jjg_desktop.services.errors import InvalidInput
from jjg_desktop.services.signatures import SignatureInput
from jjg_desktop.store import attachments
from jjg_desktop.store.models import Attachment, Blob, OutboxCommand, Verification
from jjg_desktop.store.read.planning import (
    due_for_verification,
    qualification_flags,
    verification_detail,
)
from tests_support import add_enterprise, signed_verification


def _photo(path: Path, *, size=(4000, 3000), orientation: int | None = None) -> Path:
    img = Image.new("RGB", size, (200, 80, 40))
    exif = Image.Exif()
    exif[0x0132] = "2026:05:18 09:41:07"
    if orientation:
        exif[0x0112] = orientation
    gps = {1: "N", 2: (42.0, 52.0, 12.0), 3: "E", 4: (130.0, 21.0, 36.0)}
    exif[0x8825] = gps
    img.save(path, "JPEG", exif=exif)
    return path


def _out_of_province(store, clock) -> str:
    return add_enterprise(store, clock.now, name="江苏华泰建设工程有限公司",
                          home_province="江苏省", home_province_code="320000")


def _visit(ctx, ent_id, photos=(), office="不通过"):
    return verifications.record_verification(
        ctx, ent_id, verified_on=date(2026, 5, 18), method=ON_SITE,
        verifiers=["刘晓燕", "金哲"],
        checks={"registration_true": CheckResult("通过"),
                "office_present": CheckResult(office, note="登记地址为空置商铺，无人办公"),
                "reachable": CheckResult("通过")},
        photos=list(photos), signatures=signed_verification(["刘晓燕", "金哲"], ON_SITE))


def test_a_visit_with_photos_is_saved_with_its_evidence(ctx, store, clock, tmp_path):
    ent_id = _out_of_province(store, clock)
    shot = _photo(tmp_path / "IMG_0001.jpg", orientation=6)
    v_id = _visit(ctx, ent_id, [verifications.EvidencePhoto(shot, "office_present", "空置商铺"),
                                verifications.EvidencePhoto(shot, "office_present")])
    with store.db.read() as s:
        v = s.get(Verification, v_id)
        atts = s.scalars(select(Attachment).where(Attachment.owner_id == v_id)).all()
        blobs = s.scalar(select(func.count()).select_from(Blob).where(
            Blob.sha256.in_([a.sha256 for a in atts])))
        cmd = s.scalars(select(OutboxCommand).order_by(OutboxCommand.id.desc())).first()
    assert v.checks["office_present"]["outcome"] == "不通过"
    assert len(atts) == 2 and blobs == 1  # the same photo twice is stored once
    att = atts[0]
    assert att.taken_at.isoformat() == "2026-05-18T09:41:07"
    assert att.gps_lat == pytest.approx(42.87, abs=0.01)
    with Image.open(attachments.path_of(store.paths.attachments_dir, att.sha256)) as stored:
        assert stored.size == (1920, 2560)  # turned upright (orientation 6) and scaled to 2560
    assert cmd.command == "verification.record" and len(cmd.args["evidence"]) == 2


def test_a_corrupt_photo_is_refused_and_nothing_is_written(ctx, store, clock, tmp_path):
    ent_id = _out_of_province(store, clock)
    good = _photo(tmp_path / "good.jpg")
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(good.read_bytes()[:2000])
    text_file = tmp_path / "notes.jpg"
    text_file.write_text("不是照片", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"照片 broken\.jpg 已损坏或不完整"):
        _visit(ctx, ent_id, [verifications.EvidencePhoto(broken, "office_present")])
    with pytest.raises(InvalidInput, match=r"notes\.jpg 不是可识别的照片文件"):
        _visit(ctx, ent_id, [verifications.EvidencePhoto(text_file, "office_present")])
    with store.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Verification)) == 0
        assert s.scalar(select(func.count()).select_from(Blob)) == 0


def test_a_failed_check_offers_a_prefilled_abnormal_list_proposal(ctx, store, clock, tmp_path):
    ent_id = _out_of_province(store, clock)
    v_id = _visit(ctx, ent_id, [verifications.EvidencePhoto(_photo(tmp_path / "a.jpg"),
                                                            "office_present")])
    draft = verifications.proposal_draft(ctx, v_id)
    assert draft is not None and draft.grounds == ["没有固定办公场所"]
    assert {e["kind"] for e in draft.evidence} == {"verification", "attachment"}
    assert "登记地址为空置商铺" in draft.summary
    passed = _visit(ctx, ent_id, office="通过")
    assert verifications.proposal_draft(ctx, passed) is None


def test_planning_lists_who_is_due_and_who_meets_a_trigger(ctx, store, clock):
    never = _out_of_province(store, clock)
    verified = add_enterprise(store, clock.now, name="浙江恒信路桥工程有限公司",
                              home_province="浙江省", home_province_code="330000")
    _visit(ctx, verified)
    add_enterprise(store, clock.now, name="珲春市本地建筑有限公司")  # Jilin: no verification
    enterprise_facts.record_fact(ctx, never, kind="信用评价", year=2025, value="不合格")
    today = clock.now.date()
    with store.db.read() as s:
        due = due_for_verification(s, ["222404"], today)
        later = due_for_verification(s, ["222404"], today + timedelta(days=366))
        flags = {f.name: [t.code for t in f.triggers] for f in qualification_flags(
            s, ["222404"], today)}
    assert [d.enterprise_id for d in due] == [never]
    assert [d.enterprise_id for d in later] == [never, verified]
    assert flags["江苏华泰建设工程有限公司"] == ["credit", "licence"]
    assert flags["浙江恒信路桥工程有限公司"] == ["licence", "office"]


def _signature_png() -> bytes:
    import io

    img = Image.new("RGBA", (300, 100), (255, 255, 255, 0))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def test_signatures_are_saved_with_the_record_or_not_at_all(ctx, store, clock):
    from jjg_desktop.store.models import Signature

    ent_id = _out_of_province(store, clock)
    checks = {"office_present": CheckResult("通过")}
    with pytest.raises(InvalidInput, match="金哲的签名图像已损坏"):
        verifications.record_verification(
            ctx, ent_id, verified_on=date(2026, 5, 18), method=ON_SITE,
            verifiers=["刘晓燕", "金哲"], checks=checks,
            signatures=[SignatureInput("核查人员", "刘晓燕", _signature_png()),
                        SignatureInput("核查人员", "金哲", b"not a png")])
    with store.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Verification)) == 0
        assert s.scalar(select(func.count()).select_from(Signature)) == 0
    v_id = verifications.record_verification(
        ctx, ent_id, verified_on=date(2026, 5, 18), method=ON_SITE,
        verifiers=["刘晓燕", "金哲"], checks=checks,
        signatures=[SignatureInput("核查人员", "刘晓燕", _signature_png()),
                    SignatureInput("核查人员", "金哲", _signature_png()),
                    SignatureInput("企业代表", "张立新", _signature_png())])
    with store.db.read() as s:
        names = sorted((sig.signer_role, sig.signer_name) for sig in s.scalars(
            select(Signature).where(Signature.owner_id == v_id)))
    assert names == [("企业代表", "张立新"), ("核查人员", "刘晓燕"), ("核查人员", "金哲")]


@pytest.mark.parametrize(("signed", "missing"), [
    ((), ["核查人员尚未签名：刘晓燕、金哲", "企业代表尚未签名"]),
    ((("核查人员", "刘晓燕"), ("核查人员", "金哲")), ["企业代表尚未签名"]),
    ((("核查人员", "刘晓燕"), ("企业代表", "张立新")), ["核查人员尚未签名：金哲"]),
    ((("核查人员", "刘晓燕"), ("核查人员", "金哲"), ("见证人", "李四")), []),
])
def test_a_visit_is_final_only_when_everyone_has_signed(ctx, store, clock, signed, missing):
    ent_id = _out_of_province(store, clock)
    attempt = lambda: verifications.record_verification(  # noqa: E731
        ctx, ent_id, verified_on=date(2026, 5, 18), method=ON_SITE,
        verifiers=["刘晓燕", "金哲"], checks={"office_present": CheckResult("通过")},
        signatures=[SignatureInput(role, name, _signature_png()) for role, name in signed])
    if not missing:
        assert attempt()
        return
    with pytest.raises(InvalidInput) as refused:
        attempt()
    for text in missing:
        assert text in str(refused.value)
    with store.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Verification)) == 0


def test_a_supervision_firm_without_a_safety_licence_is_not_flagged(ctx, store, clock):
    from jjg_desktop.store.models import Enterprise

    firms = {name: add_enterprise(store, clock.now, name=name) for name in (
        "吉林中建监理有限公司", "吉林宏达建筑工程有限公司")}
    with store.db.write() as s:
        s.get_one(Enterprise, firms["吉林中建监理有限公司"]).qualifications = ["工程监理综合资质"]
        s.get_one(Enterprise, firms["吉林宏达建筑工程有限公司"]).qualifications = [
            "建筑工程施工总承包贰级"]
    with store.db.read() as s:
        flags = {f.name: [t.code for t in f.triggers] for f in qualification_flags(
            s, ["222404"], clock.now.date())}
    assert "吉林中建监理有限公司" not in flags
    assert flags["吉林宏达建筑工程有限公司"] == ["licence"]


def test_verifications_are_numbered_per_division_and_year(ctx, store, clock):
    """A 入吉企业动态核查记录 carries a number like the bureau's other records: one series per
    division and year, printed on the record."""
    ent = add_enterprise(store, clock.now, name="江苏华泰建设工程有限公司",
                         home_province="江苏省", home_province_code="320000")
    first, second = (verifications.record_verification(
        ctx, ent, verified_on=day, method="实地核查", verifiers=["刘晓燕", "王丽"],
        checks={"office_present": CheckResult("通过")},
        signatures=signed_verification(["刘晓燕", "王丽"], "实地核查"))
        for day in (date(2026, 5, 11), date(2026, 5, 12)))
    with store.db.read() as s:
        numbers = [verification_detail(s, v).number for v in (first, second)]
    assert numbers == ["珲春住建核查〔2026〕1号", "珲春住建核查〔2026〕2号"]
