"""双随机: draw the projects to inspect and a team for each, reproducibly and verifiably.

The method is fully specified here, not borrowed from a library whose algorithm may change:
randomness is SHA-256 in counter mode over the seed and the hash of the candidate lists, and
selection is a Fisher–Yates shuffle driven by it (rejection sampling keeps it unbiased). Anyone
holding the recorded candidates, seed and method recomputes the same result.

Teams are 干部+专家: officials and experts, at least two people. A member who has worked for a
party of the project (建设单位, 施工单位, 监理单位…) within the look-back period steps aside (回避).
Nobody is drawn for two teams in one draw.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

METHOD = "sha256-ctr-fisher-yates/v1"
METHOD_LABELS = {METHOD: "以随机种子生成 SHA-256 计数器序列，按费雪-耶茨洗牌法排序抽取（第 1 版）"}
"""Each method as a reader of the draw record understands it."""
OFFICIAL, EXPERT = "干部", "专家"


class DrawError(ValueError):
    """The draw cannot be made as asked; the message says why."""


class ShortOfPeople(DrawError):
    """Too few members of one kind are free for a project's team."""

    def __init__(self, kind: str, project_id: str, missing: int) -> None:
        self.kind, self.project_id, self.missing = kind, project_id, missing
        super().__init__(self.describe(project_id))

    def describe(self, project: str) -> str:
        """The message, naming the project as given (its name, where the caller knows it)."""
        return (f"可抽取的{self.kind}不足：项目“{project}”还需 {self.missing} 名"
                "（已排除需回避人员及已入选其他检查组的人员）。请在检查人员库中增加人员后重新抽取")


@dataclass(frozen=True, slots=True)
class Employment:
    credit_code: str
    start: date
    end: date | None = None


@dataclass(frozen=True, slots=True)
class PoolMember:
    id: str
    name: str
    kind: str
    history: tuple[Employment, ...] = ()


@dataclass(frozen=True, slots=True)
class ProjectCandidate:
    id: str
    party_codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DrawParams:
    projects: int
    officials_per_team: int = 1
    experts_per_team: int = 1
    lookback_years: int = 3


@dataclass(frozen=True, slots=True)
class TeamDraw:
    project_id: str
    members: tuple[str, ...]
    excluded: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DrawResult:
    method: str
    seed: str
    candidates_hash: str
    teams: tuple[TeamDraw, ...]


@dataclass(slots=True)
class _Stream:
    """Unbiased integers from SHA-256(seed, hash, counter)."""

    key: str
    counter: int = field(default=0)

    def below(self, n: int) -> int:
        limit = (1 << 256) - ((1 << 256) % n)
        while True:
            digest = hashlib.sha256(f"{self.key}:{self.counter}".encode()).digest()
            self.counter += 1
            value = int.from_bytes(digest, "big")
            if value < limit:
                return value % n


def candidates_hash(projects: Sequence[ProjectCandidate], pool: Sequence[PoolMember],
                    params: DrawParams, on: date) -> str:
    """The hash of everything the draw depends on besides the seed, in canonical form."""
    body = {
        "on": on.isoformat(),
        "params": asdict(params),
        "projects": sorted([p.id, sorted(p.party_codes)] for p in projects),
        "pool": sorted([m.id, m.kind, sorted([e.credit_code, e.start.isoformat(),
                                              e.end.isoformat() if e.end else None]
                                             for e in m.history)] for m in pool),
    }
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _shuffled(items: Sequence[str], stream: _Stream) -> list[str]:
    out = sorted(items)
    for i in range(len(out) - 1, 0, -1):
        j = stream.below(i + 1)
        out[i], out[j] = out[j], out[i]
    return out


def has_conflict(member: PoolMember, project: ProjectCandidate, on: date,
                 lookback_years: int) -> bool:
    since = on - timedelta(days=365 * lookback_years)
    parties = set(project.party_codes)
    return any(e.credit_code in parties and (e.end is None or e.end >= since) and e.start <= on
               for e in member.history)


def draw(projects: Sequence[ProjectCandidate], pool: Sequence[PoolMember], params: DrawParams,
         seed: str, on: date) -> DrawResult:
    if params.projects < 1:
        raise DrawError("抽取的项目数至少为 1")
    if params.officials_per_team < 1 or params.experts_per_team < 1:
        raise DrawError("检查组应由干部和专家共同组成（各至少 1 人）")
    if params.projects > len(projects):
        raise DrawError(f"在建项目只有 {len(projects)} 个，不足 {params.projects} 个")
    digest = candidates_hash(projects, pool, params, on)
    stream = _Stream(f"{METHOD}:{seed}:{digest}")
    by_id = {p.id: p for p in projects}
    chosen = _shuffled(list(by_id), stream)[: params.projects]
    members = {m.id: m for m in pool}
    order = {kind: _shuffled([m.id for m in pool if m.kind == kind], stream)
             for kind in (OFFICIAL, EXPERT)}
    taken: set[str] = set()
    teams = []
    for project_id in chosen:
        project = by_id[project_id]
        team: list[str] = []
        excluded: list[str] = []
        for kind, count in ((OFFICIAL, params.officials_per_team),
                            (EXPERT, params.experts_per_team)):
            picked = 0
            for member_id in order[kind]:
                if picked == count:
                    break
                if member_id in taken:
                    continue
                if has_conflict(members[member_id], project, on, params.lookback_years):
                    excluded.append(member_id)
                    continue
                team.append(member_id)
                taken.add(member_id)
                picked += 1
            if picked < count:
                raise ShortOfPeople(kind, project_id, count - picked)
        teams.append(TeamDraw(project_id, tuple(team), tuple(excluded)))
    return DrawResult(METHOD, seed, digest, tuple(teams))


def verify(projects: Sequence[ProjectCandidate], pool: Sequence[PoolMember], params: DrawParams,
           on: date, recorded: DrawResult) -> list[str]:
    """Recompute a recorded draw; empty when it stands, else what does not match."""
    problems: list[str] = []
    if recorded.method != METHOD:
        return [f"未知的抽取方法：{recorded.method}"]
    digest = candidates_hash(projects, pool, params, on)
    if digest != recorded.candidates_hash:
        problems.append("候选项目或人员名单与抽取时记录的不一致（名单被改动）")
    try:
        again = draw(projects, pool, params, recorded.seed, on)
    except DrawError as exc:
        return [*problems, f"无法重算：{exc}"]
    if again.teams != recorded.teams:
        problems.append("按记录的种子重算，抽取结果与记录不一致")
    return problems
