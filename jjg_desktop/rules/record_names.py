"""What users call the records and the commands that sync them (one list for every screen)."""

from __future__ import annotations

from typing import Any

ENTITY_NAMES = {
    "local_setting": "本机设置", "published_rule": "省厅发布的规则",
    "enterprise": "企业", "jilin_registration": "入吉登记", "enterprise_fact": "企业情况记录",
    "verification": "动态核查记录", "abnormal_case": "异常名录案件",
    "case_transition": "案件办理步骤", "project": "工程项目", "project_party": "参建单位",
    "key_person": "关键岗位人员", "inspection": "检查", "inspection_answer": "检查项结论",
    "finding": "发现的问题", "finding_review": "复查结论", "rectification_notice": "整改通知书",
    "inspection_amendment": "检查记录更正", "attachment": "照片", "signature": "签名",
    "pool_member": "检查人员库成员", "pool_employment": "从业经历", "inspection_draw": "双随机抽取",
    "checklist_template": "检查表",
}

COMMAND_NAMES = {
    "enterprise.register": "入吉信息登记",
    "enterprise.update_contact": "修改企业联系方式",
    "enterprise.update_registration": "修改入吉登记信息",
    "enterprise_fact.record": "记录企业情况",
    "verification.record": "动态核查",
    "case.transition": "异常名录案件办理",
    "draw.make": "双随机抽取",
    "pool.add_member": "执法人员库添加成员", "pool.update_member": "修改或停用检查人员库成员",
    "pool.add_employment": "记录人员任职经历",
    "signature.add": "签名",
    "inspection.plan": "计划检查",
    "inspection.start": "开始检查",
    "inspection.answer": "填写检查表",
    "inspection.attach_photo": "添加照片",
    "inspection.remove_photo": "删除照片",
    "inspection.conclusion": "填写检查结论",
    "inspection.complete": "完成检查",
    "inspection.amend": "更正检查记录",
    "finding.create": "记录发现的问题",
    "finding.edit": "修改问题描述",
    "finding.withdraw": "撤销问题",
    "finding.restore": "恢复问题",
    "finding.review": "复查问题",
    "finding.close": "复查后关闭问题",
    "finding.reopen": "复查后重新整改",
    "notice.issue": "签发整改通知书",
    "notice.receive": "整改通知书签收",
    "sync.resend": "服务器恢复后重新提交",
}

FIELD_NAMES = {
    "action": "办理步骤", "active": "在岗", "actor": "办理人账号",
    "actor_division": "办理人所在区划", "actor_name": "办理人", "actor_role": "办理人角色",
    "address": "地址", "amended_at": "更正时间", "amended_by": "更正人", "answered_at": "填写时间",
    "at": "办理时间", "candidates": "候选名单", "candidates_hash": "候选名单校验值",
    "caption": "说明", "case_id": "案件", "case_version": "办理时案件版本", "cert_no": "证书编号",
    "checks": "核查内容", "closed_by": "关闭该问题的复查", "code": "编号", "comment": "意见",
    "commitments": "承诺事项", "completed_at": "完成时间", "conclusion": "结论",
    "contact_person": "联系人", "contact_phone": "联系电话", "content": "内容",
    "content_hash": "内容校验值", "contract_amount": "合同金额", "created_at": "创建时间",
    "credit_code": "统一社会信用代码", "deadline": "期限", "decision_date": "决定日期",
    "decision_no": "决定书文号", "deleted_at": "删除时间", "detail": "详情",
    "division_code": "行政区划代码", "draw_id": "双随机抽取", "drawn_at": "抽取时间",
    "drawn_by": "抽取人", "drawn_on": "抽取日期", "employer": "工作单位", "end": "结束日期",
    "enforcement_cert_no": "执法证号", "enterprise_id": "企业", "enterprise_name": "企业名称",
    "evidence": "证据材料", "finding_id": "问题", "finding_ids": "所列问题", "from_state": "原状态",
    "gps_lat": "纬度", "gps_lon": "经度", "grounds": "列入事由", "home_province": "注册地省份",
    "home_province_code": "注册地省份代码", "id": "记录编号", "inspection_id": "检查",
    "issued_on": "下达日期", "item_code": "检查项", "kind": "类别", "legal_basis": "依据",
    "legal_representative": "法定代表人", "member_id": "人员", "method": "方式", "name": "名称",
    "new_deadline": "新整改期限", "new_value": "更正后", "note": "说明", "notes": "备注",
    "number": "编号", "occurred_on": "发生日期", "office_address": "驻吉办公地址",
    "old_value": "更正前", "original_name": "原文件名", "outcome": "复查结论",
    "owner_id": "所属记录", "owner_kind": "所属记录类型", "params": "抽取参数",
    "party_id": "参建单位", "permit_no": "施工许可证号", "person_in_charge": "驻吉负责人",
    "phone": "电话", "place": "地点", "planned_completion": "计划竣工日期",
    "planned_on": "计划日期", "previous_deadline": "原整改期限", "problem": "问题",
    "project_id": "项目", "published_on": "发布日期", "purpose": "用途", "qualifications": "资质",
    "real_name_enabled": "实名制管理", "reason": "原因", "received_by": "签收人",
    "registered_on": "登记日期", "registration_id": "入吉登记", "registration_no": "登记编号",
    "reinspection_of": "原检查", "remark": "说明", "requirement": "整改要求",
    "responsible_role": "责任方", "result": "抽取结果", "review_note": "复查说明",
    "reviewed_at": "复查时间", "role": "角色", "safety_licence_expiry": "安全生产许可证有效期",
    "safety_licence_no": "安全生产许可证号", "sealed": "保密抽查", "seed": "随机种子",
    "server_at": "服务器确认时间", "sha256": "文件校验值", "signed_at": "签名时间",
    "signer_name": "签名人", "signer_role": "签名人身份", "specialty": "专业", "start": "开始日期",
    "start_date": "开工日期", "started_at": "开始时间", "state": "案件状态", "status": "状态",
    "taken_at": "拍摄时间", "target": "更正项目", "team": "检查组", "template_id": "检查表",
    "title": "标题", "to_state": "新状态", "updated_at": "修改时间", "username": "账号",
    "value": "结论", "verified_on": "核查日期", "verifiers": "核查人员", "version": "案件版本",
    "year": "年度",
}
"""What users call each column of a synced record (conflicts, change lists)."""


NAME_FIELDS = ("name", "number", "title", "problem", "item_code", "credit_code")


def record_title(entity: str, data: dict[str, Any]) -> str:
    """A record as people name it: its kind and its name or number (企业“宏达建筑”)."""
    label = ENTITY_NAMES.get(entity, entity)
    for key in NAME_FIELDS:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return f"{label}“{value.strip()[:40]}”"
    return label
