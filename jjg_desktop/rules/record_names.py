"""What users call the records and the commands that sync them (one list for every screen)."""

from __future__ import annotations

ENTITY_NAMES = {
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
    "pool.add_member": "执法人员库添加成员",
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
