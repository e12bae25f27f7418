"""Every mapped class of the local store, importable from one place."""

from jjg_desktop.store.base import Base
from jjg_desktop.store.models.casework import AbnormalCase, CaseTransition, Verification
from jjg_desktop.store.models.draws import InspectionDraw, PoolEmployment, PoolMember
from jjg_desktop.store.models.enterprise import Enterprise, EnterpriseFact, JilinRegistration
from jjg_desktop.store.models.evidence import Attachment, Blob, Signature
from jjg_desktop.store.models.inspection import (
    ChecklistTemplate,
    Finding,
    FindingReview,
    Inspection,
    InspectionAmendment,
    InspectionAnswer,
    RectificationNotice,
)
from jjg_desktop.store.models.journal import (
    AuditEntry,
    OutboxCommand,
    ParkedChange,
    SyncConflict,
    SyncState,
)
from jjg_desktop.store.models.project import KeyPerson, Project, ProjectParty
from jjg_desktop.store.models.reference import (
    Division,
    LocalSetting,
    PublishedRule,
    UserProfile,
)

__all__ = [
    "AbnormalCase",
    "Attachment",
    "AuditEntry",
    "Base",
    "Blob",
    "CaseTransition",
    "ChecklistTemplate",
    "Division",
    "Enterprise",
    "EnterpriseFact",
    "Finding",
    "FindingReview",
    "Inspection",
    "InspectionAmendment",
    "InspectionAnswer",
    "InspectionDraw",
    "JilinRegistration",
    "KeyPerson",
    "LocalSetting",
    "OutboxCommand",
    "ParkedChange",
    "PoolEmployment",
    "PoolMember",
    "Project",
    "ProjectParty",
    "PublishedRule",
    "RectificationNotice",
    "Signature",
    "SyncConflict",
    "SyncState",
    "UserProfile",
    "Verification",
]
