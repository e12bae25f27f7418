from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from jjg_desktop.rules.registration import RegistrationInput
from jjg_desktop.services import registry
from jjg_desktop.services.errors import InvalidInput
from jjg_desktop.store.models import Enterprise, JilinRegistration, OutboxCommand
from jjg_desktop.store.read import registers as queries


def _reg(**over) -> RegistrationInput:
    values = dict(credit_code="91320100MA1XYH1234", name="江苏华泰建设工程有限公司",
                  home_province="江苏", division_code="222404",
                  registered_on=date(2026, 3, 2), office_address="珲春市河南街道靖和街56号",
                  person_in_charge="周明", phone="13904331234",
                  qualifications=["建筑工程施工总承包贰级"],
                  commitments=["承诺在吉设有固定办公场所", "承诺登记信息真实"])
    values.update(over)
    return RegistrationInput(**values)


def _valid_code() -> str:
    from jjg_desktop.rules.credit_code import complete

    return complete("91320100MA1XYH12")


def test_registering_creates_enterprise_registration_audit_and_command(ctx, store):
    code = _valid_code()
    ent_id = registry.register(ctx, _reg(credit_code=code.lower()))
    with store.db.read() as s:
        ent = s.get(Enterprise, ent_id)
        reg = s.scalars(select(JilinRegistration)).one()
        cmd = s.scalars(select(OutboxCommand)).one()
        found = queries.enterprise_ids(s, queries.EnterpriseFilter(text="华泰"))
    assert ent.credit_code == code and ent.home_province == "江苏省"
    assert ent.home_province_code == "320000" and ent.contact_person == "周明"
    assert reg.registration_no == "吉入登〔2026〕222404-0001"
    assert reg.commitments == ["承诺在吉设有固定办公场所", "承诺登记信息真实"]
    assert cmd.command == "enterprise.register" and cmd.args["credit_code"] == code
    assert found == [ent_id]


def test_a_second_enterprise_with_the_same_code_is_refused(ctx):
    code = _valid_code()
    registry.register(ctx, _reg(credit_code=code))
    with pytest.raises(InvalidInput, match="已登记为“江苏华泰建设工程有限公司”"):
        registry.register(ctx, _reg(credit_code=code, name="另一家公司"))


def test_bad_input_is_refused_with_every_problem_named(ctx, store):
    with pytest.raises(InvalidInput) as err:
        registry.register(ctx, _reg(credit_code="91320100MA1XYH123", home_province="火星",
                                    person_in_charge=" ", phone="abc"))
    message = str(err.value)
    assert "18位" in message and "火星" in message and "在吉负责人不能为空" in message
    assert "联系电话只能包含数字" in message
    with store.db.read() as s:
        assert s.scalars(select(Enterprise)).first() is None


def test_jilin_enterprises_do_not_register_to_work_in_jilin(ctx):
    with pytest.raises(InvalidInput, match="不需要办理入吉信息登记"):
        registry.register(ctx, _reg(credit_code=_valid_code(), home_province="吉林省"))


def test_the_detail_of_a_registered_enterprise_shows_its_registration(ctx, store):
    ent_id = registry.register(ctx, _reg(credit_code=_valid_code()))
    with store.db.read() as s:
        detail = queries.enterprise_detail(s, ent_id)
    assert detail is not None and detail.registration_no == "吉入登〔2026〕222404-0001"
    assert detail.registered_on == date(2026, 3, 2)
    assert detail.commitments == ["承诺在吉设有固定办公场所", "承诺登记信息真实"]


def test_an_inspector_cannot_register_an_enterprise_even_offline(store, clock):
    from jjg_desktop.services.context import ServiceContext
    from jjg_desktop.services.startup import set_profile

    inspector = set_profile(store, username="insp01", display_name="金成浩", role="inspector",
                            division_code="222404")
    ctx = ServiceContext(store=store, actor=inspector, clock=clock)
    with pytest.raises(InvalidInput, match=r"执法检查人员.*不能进行“入吉信息登记”操作"):
        registry.register(ctx, _reg(credit_code=_valid_code()))
    with store.db.read() as s:
        assert s.scalars(select(Enterprise)).all() == []
        assert s.scalars(select(OutboxCommand)).all() == []
