"""The large benchmark dataset of DESIGN.md: the whole province at scale, deterministic.

    python bench/generate_large.py [--db PATH] [--enterprises 100000] [--projects 50000]
                                   [--inspections 200000] [--seed N] [--force]

The schema comes from `open_store` (the migrations, divisions, the shipped checklist); the
rows go in through raw sqlite3 `executemany` in one transaction, so the search index is
filled by SQLite itself (its triggers, or one FTS5 'rebuild' — `--fts`). A sidecar
`<db>.json` records the parameters: a second call with the same ones reuses the file.
Other benchmarks import `generate(...)`.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from jjg_desktop.config import resolve_paths
from jjg_desktop.demo import fake
from jjg_desktop.demo.market import COMMITMENTS, DEVELOPER_FORMS, DEVELOPER_TRADES, JILIN_CODE
from jjg_desktop.demo.places import Place, jilin_places
from jjg_desktop.demo.seeded import Seeded, china_time
from jjg_desktop.rules.checklist import template_id
from jjg_desktop.services.startup import open_store
from jjg_desktop.store.checklists import install_shipped_templates, shipped_templates
from jjg_desktop.store.migrate import head_revision
from jjg_desktop.store.read import search
from jjg_desktop.store.read.search import register_functions

GENERATOR_VERSION = 1
DEFAULT_DB = Path(tempfile.gettempdir()) / "jjg-bench" / "large.sqlite"
DEFAULTS = {"enterprises": 100_000, "projects": 50_000, "inspections": 200_000,
            "seed": 20230315}
TODAY = date(2023, 11, 20)
CHUNK = 20_000
FTS_MODES = ("trigger", "rebuild")
SEARCH_TRIGGERS = ("enterprise_search_ai", "project_search_ai")
PREFECTURE_WEIGHTS = {"220100": 3.0, "220200": 1.5}
MUNICIPAL = ("道路", "大桥", "桥危桥", "管网", "污水", "供水", "水厂", "雨污", "再生水", "供热")
METHODS = ("四不两直", "四不两直", "日常", "日常", "日常", "专项", "复查")


def _ts(value: datetime) -> str:
    """A DateTime as SQLAlchemy stores it in SQLite."""
    return value.isoformat(sep=" ", timespec="microseconds")


@dataclass(slots=True)
class Firm:
    rowid: int
    id: str
    division: str
    short: str
    kind: str
    home: str


@dataclass(slots=True)
class World:
    """What later tables pick from: firms by kind and county, inspectors per county."""

    places: list[Place]
    weights: list[float]
    firms: list[Firm] = field(default_factory=list)
    by_kind: dict[str, list[Firm]] = field(default_factory=dict)
    local: dict[tuple[str, str], list[Firm]] = field(default_factory=dict)
    projects: list[tuple[str, str, str, dict[str, str]]] = field(default_factory=list)

    def place(self, rng: random.Random) -> Place:
        return rng.choices(self.places, self.weights)[0]

    def firm(self, rng: random.Random, kind: str, division: str) -> Firm:
        near = self.local.get((kind, division))
        if near and rng.random() < 0.5:
            return rng.choice(near)
        return rng.choice(self.by_kind.get(kind) or self.firms)


def _chunks(rows: Iterable[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    it = iter(rows)
    while chunk := list(islice(it, CHUNK)):
        yield chunk


def _insert(conn: sqlite3.Connection, table: str, columns: Sequence[str],
            rows: Iterable[tuple[Any, ...]]) -> int:
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) "
           f"VALUES ({', '.join('?' * len(columns))})")
    count = 0
    for chunk in _chunks(rows):
        conn.executemany(sql, chunk)
        count += len(chunk)
    return count


class Generator:
    def __init__(self, conn: sqlite3.Connection, seed: int) -> None:
        self.conn = conn
        self.s = Seeded(seed)
        places = list(jilin_places().values())
        self.world = World(places=places,
                           weights=[PREFECTURE_WEIGHTS.get(p.prefecture_code, 1.0)
                                    for p in places])
        self.template = shipped_templates()[0]
        self.template_id = template_id(self.template.code, self.template.version)
        self.stamp = _ts(china_time(TODAY, 8))

    def enterprises(self, n: int) -> dict[str, int]:
        s, rng, world = self.s, self.s.rng, self.world
        codes: set[str] = set()
        registrations: list[tuple[Any, ...]] = []
        provinces = fake.HOME_PROVINCES

        def rows() -> Iterator[tuple[Any, ...]]:
            for rowid in range(1, n + 1):
                roll = rng.random()
                kind = "builder" if roll < 0.08 else "supervisor" if roll < 0.22 else "contractor"
                out = kind != "builder" and rng.random() < 0.43
                office = world.place(rng)
                if out:
                    home = rng.choice(provinces)
                    short, home_code, home_name = home.short, home.code, home.name
                    code_division, word = home.capital_division, home.capital.removesuffix("市")
                    address = fake.address(rng, home.name, home.capital)
                    phone = fake.landline(rng, home.area_code)
                else:
                    short, home_code, home_name = "吉", JILIN_CODE, "吉林省"
                    code_division, word = office.code, office.trade_place(rng)
                    address = fake.address(rng, office.prefecture_name, office.name)
                    phone = fake.landline(rng, office.area_code)
                code = fake.credit_code(rng, code_division)
                while code in codes:
                    code = fake.credit_code(rng, code_division)
                codes.add(code)
                firm = Firm(rowid=rowid, id=s.uuid(), division=office.code, short=short,
                            kind=kind, home=home_code)
                world.firms.append(firm)
                if kind == "builder":
                    name = word + rng.choice(DEVELOPER_TRADES) + rng.choice(DEVELOPER_FORMS)
                    quals: list[str] = []
                elif kind == "supervisor":
                    name = fake.supervision_company_name(rng, word)
                    quals = [fake.supervision_qualification(rng)]
                else:
                    name = fake.enterprise_name(rng, word)
                    quals = [fake.qualification(rng) for _ in range(rng.randint(1, 2))]
                licence, expiry = "", None
                if kind == "contractor":
                    expires = TODAY + timedelta(days=rng.randint(-150, 1100))
                    licence = fake.safety_licence_no(rng, short, expires.year - 3)
                    expiry = expires.isoformat()
                roll = rng.random()
                status = "清出" if roll < 0.002 else "异常名录" if roll < 0.012 else "正常"
                created = _ts(china_time(s.day_between(date(2015, 1, 1), TODAY), 10))
                if out:
                    registered = s.day_between(date(2019, 1, 1), TODAY)
                    registrations.append((
                        firm.id, f"吉入登〔{registered.year}〕{rowid:06d}号",
                        registered.isoformat(), office.code,
                        fake.address(rng, office.prefecture_name, office.name),
                        fake.person_name(rng), fake.mobile(rng), json.dumps(list(COMMITMENTS)),
                        "已注销" if status == "清出" else "有效", s.uuid(), 1, created, created))
                yield (rowid, code, name, home_code, home_name, office.code,
                       fake.person_name(rng), json.dumps(quals), licence, expiry, address,
                       fake.person_name(rng), phone if rng.random() < 0.6 else fake.mobile(rng),
                       status, "", firm.id, 1, created, created)

        count = _insert(self.conn, "enterprise", (
            "rowid", "credit_code", "name", "home_province_code", "home_province",
            "division_code", "legal_representative", "qualifications", "safety_licence_no",
            "safety_licence_expiry", "address", "contact_person", "contact_phone", "status",
            "notes", "id", "server_version", "created_at", "updated_at"), rows())
        regs = _insert(self.conn, "jilin_registration", (
            "enterprise_id", "registration_no", "registered_on", "division_code",
            "office_address", "person_in_charge", "phone", "commitments", "status", "id",
            "server_version", "created_at", "updated_at"), registrations)
        for firm in world.firms:
            world.by_kind.setdefault(firm.kind, []).append(firm)
            world.local.setdefault((firm.kind, firm.division), []).append(firm)
        return {"enterprise": count, "jilin_registration": regs}

    def projects(self, n: int) -> dict[str, int]:
        s, rng, world = self.s, self.s.rng, self.world
        names: dict[str, int] = {}
        parties: list[tuple[Any, ...]] = []
        people: list[tuple[Any, ...]] = []

        def person(project_id: str, party_id: str, role: str, cert: str, at: str) -> None:
            people.append((project_id, party_id, role, fake.person_name(rng), cert,
                           fake.mobile(rng), s.uuid(), 1, at, at))

        def rows() -> Iterator[tuple[Any, ...]]:
            for serial in range(1, n + 1):
                place = world.place(rng)
                name = fake.project_name(rng, place.name)
                seen = names.get(name, 0)
                names[name] = seen + 1
                if seen:
                    name = f"{name}（{seen + 1}标段）"
                start = s.day_between(date(2019, 4, 1), date(2023, 10, 31))
                finish = start + timedelta(days=30 * rng.randint(8, 30))
                status = ("竣工" if finish < TODAY and rng.random() < 0.85
                          else "停工" if rng.random() < 0.06 else "在建")
                municipal = any(k in name for k in MUNICIPAL)
                project_id, at = s.uuid(), _ts(china_time(start, 14))
                firms = {"建设单位": world.firm(rng, "builder", place.code),
                         "施工单位": world.firm(rng, "contractor", place.code),
                         "监理单位": world.firm(rng, "supervisor", place.code)}
                if rng.random() < 0.3:
                    firms["分包单位"] = world.firm(rng, "contractor", place.code)
                party_ids = {role: s.uuid() for role in firms}
                for role, firm in firms.items():
                    parties.append((project_id, firm.id, role, party_ids[role], 1, at, at))
                contractor = firms["施工单位"]
                person(project_id, party_ids["建设单位"], "项目负责人", "", at)
                person(project_id, party_ids["施工单位"], "项目负责人",
                       fake.constructor_cert_no(rng, contractor.short), at)
                person(project_id, party_ids["施工单位"], "技术负责人", "", at)
                person(project_id, party_ids["施工单位"], "安全员",
                       f"{contractor.short}建安C（{start.year}）{s.digits(7)}", at)
                person(project_id, party_ids["监理单位"], "总监理工程师",
                       firms["监理单位"].home[:2] + s.digits(6), at)
                world.projects.append((project_id, place.code, status,
                                       {r: f.id for r, f in firms.items()}))
                yield (serial, f"{place.code}{start.year}{serial:06d}", name, place.code,
                       fake.address(rng, place.prefecture_name, place.name),
                       "市政工程" if municipal else "房屋建筑", status,
                       f"{place.code}{start:%Y%m%d}{serial:06d}",
                       round(rng.uniform(2e6, 3e8), 2), start.isoformat(), finish.isoformat(),
                       rng.random() < 0.95, project_id, 1, at, at)

        count = _insert(self.conn, "project", (
            "rowid", "code", "name", "division_code", "address", "kind", "status", "permit_no",
            "contract_amount", "start_date", "planned_completion", "real_name_enabled", "id",
            "server_version", "created_at", "updated_at"), rows())
        return {"project": count,
                "project_party": _insert(self.conn, "project_party", (
                    "project_id", "enterprise_id", "role", "id", "server_version",
                    "created_at", "updated_at"), parties),
                "key_person": _insert(self.conn, "key_person", (
                    "project_id", "party_id", "role", "name", "cert_no", "phone", "id",
                    "server_version", "created_at", "updated_at"), people)}

    def inspections(self, n: int) -> dict[str, int]:
        s, rng, world = self.s, self.s.rng, self.world
        inspectors = {p.code: [{"name": fake.person_name(rng), "role": "干部",
                                "cert_no": fake.enforcement_cert_no(rng)} for _ in range(6)]
                      for p in world.places}
        experts = [{"name": fake.person_name(rng), "role": "专家", "cert_no": ""}
                   for _ in range(200)]
        items = [i for i in self.template.items if i.answer_type == "compliance"]
        findings: list[tuple[Any, ...]] = []
        places = jilin_places()

        def rows() -> Iterator[tuple[Any, ...]]:
            for serial in range(1, n + 1):
                project_id, division, _, firm_ids = rng.choice(world.projects)
                day = s.day_between(date(2021, 4, 1), TODAY + timedelta(days=30))
                roll = rng.random()
                status = ("planned" if day > TODAY or roll < 0.05
                          else "in_progress" if roll < 0.07 else "completed")
                started = china_time(day, 9, rng.randint(0, 59))
                done = started + timedelta(minutes=rng.randint(60, 240))
                inspection_id = s.uuid()
                team = [*rng.sample(inspectors[division], 2), rng.choice(experts)]
                if status == "completed" and rng.random() < 0.4:
                    for item in rng.sample(items, rng.randint(1, 3)):
                        role = "施工单位" if item.party == "项目" else item.party
                        deadline = day + timedelta(days=item.deadline_days)
                        findings.append((
                            inspection_id, item.code, item.finding, item.basis, item.requirement,
                            role, firm_ids[role],
                            deadline.isoformat(), "open" if deadline > TODAY - timedelta(
                                days=rng.randint(0, 60)) else "closed", s.uuid(), 1,
                            _ts(done), _ts(done)))
                yield (f"{places[division].short}住建市检〔{day.year}〕{serial:06d}号",
                       project_id, self.template_id, division, rng.choice(METHODS), status,
                       day.isoformat(), _ts(started) if status != "planned" else None,
                       _ts(done) if status == "completed" else None, "",
                       json.dumps(team), "", inspection_id, 1,
                       _ts(started - timedelta(days=5)), _ts(done))

        count = _insert(self.conn, "inspection", (
            "number", "project_id", "template_id", "division_code", "method", "status",
            "planned_on", "started_at", "completed_at", "place", "team", "conclusion", "id",
            "server_version", "created_at", "updated_at"), rows())
        return {"inspection": count, "finding": _insert(self.conn, "finding", (
            "inspection_id", "item_code", "problem", "legal_basis", "requirement",
            "responsible_role", "enterprise_id", "deadline", "status", "id", "server_version",
            "created_at", "updated_at"), findings)}


def _params(enterprises: int, projects: int, inspections: int, seed: int,
            fts: str) -> dict[str, Any]:
    return {"enterprises": enterprises, "projects": projects, "inspections": inspections,
            "seed": seed, "fts": fts, "generator": GENERATOR_VERSION, "schema": head_revision()}


def _sidecar(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".json")


def _cached(db_path: Path, params: dict[str, Any]) -> dict[str, Any] | None:
    sidecar = _sidecar(db_path)
    if not (db_path.exists() and sidecar.exists()):
        return None
    try:
        info: dict[str, Any] = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if info.get("params") == params else None


def _without_triggers(conn: sqlite3.Connection, load: Callable[[], dict[str, int]]) -> \
        dict[str, int]:
    """Load with the search triggers dropped, then index every row in one FTS5 rebuild."""
    ddl = dict(conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?)",
        SEARCH_TRIGGERS).fetchall())
    for name in SEARCH_TRIGGERS:
        conn.execute(f"DROP TRIGGER {name}")
    counts = load()
    search.rebuild(conn)
    for name in SEARCH_TRIGGERS:
        conn.execute(ddl[name])
    return counts


def generate(db_path: Path | str = DEFAULT_DB, *, enterprises: int = DEFAULTS["enterprises"],
             projects: int = DEFAULTS["projects"], inspections: int = DEFAULTS["inspections"],
             seed: int = DEFAULTS["seed"], fts: str = "rebuild", force: bool = False,
             log: Callable[[str], None] = print) -> dict[str, Any]:
    """Build (or reuse) the dataset; returns the sidecar record: params, counts, seconds."""
    if fts not in FTS_MODES:
        raise ValueError(f"fts must be one of {FTS_MODES}")
    db_path = Path(db_path).expanduser().resolve()
    params = _params(enterprises, projects, inspections, seed, fts)
    if not force and (info := _cached(db_path, params)) is not None:
        log(f"reusing {db_path} ({info['bytes'] / 2**20:.0f} MB, built in {info['seconds']} s)")
        return info | {"cached": True}
    db_path.parent.mkdir(parents=True, exist_ok=True)
    partial = db_path.with_name(db_path.name + ".partial")
    for stale in (partial, _sidecar(db_path), db_path):
        for suffix in ("", "-wal", "-shm"):
            stale.with_name(stale.name + suffix).unlink(missing_ok=True)

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="jjg-bench-") as scratch:
        store = open_store(resolve_paths(db=partial, data_dir=scratch))
        try:
            with store.db.write() as session:
                install_shipped_templates(session, china_time(TODAY, 8), server_version=1)
        finally:
            store.close()
    schema_seconds = time.perf_counter() - started

    conn = sqlite3.connect(partial, isolation_level=None)
    register_functions(conn)
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "foreign_keys=OFF",
                   "cache_size=-262144", "temp_store=MEMORY"):
        conn.execute(f"PRAGMA {pragma}")
    gen = Generator(conn, seed)
    phases: dict[str, float] = {}

    def load() -> dict[str, int]:
        counts: dict[str, int] = {}
        for name, step, n in (("enterprises", gen.enterprises, enterprises),
                              ("projects", gen.projects, projects),
                              ("inspections", gen.inspections, inspections)):
            t = time.perf_counter()
            counts |= step(n)
            phases[name] = round(time.perf_counter() - t, 1)
            log(f"  {name}: {phases[name]} s")
        return counts

    conn.execute("BEGIN")
    t = time.perf_counter()
    counts = _without_triggers(conn, load) if fts == "rebuild" else load()
    phases["load+index"] = round(time.perf_counter() - t, 1)
    conn.execute("COMMIT")
    problems = conn.execute("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise RuntimeError(f"generated rows break foreign keys: {problems[:5]}")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    partial.rename(db_path)

    info = {"params": params, "counts": counts, "phases": phases,
            "schema_seconds": round(schema_seconds, 1),
            "seconds": round(time.perf_counter() - started, 1),
            "bytes": db_path.stat().st_size}
    _sidecar(db_path).write_text(json.dumps(info, ensure_ascii=False, indent=2),
                                 encoding="utf-8")
    log(f"built {db_path} in {info['seconds']} s ({info['bytes'] / 2**20:.0f} MB): {counts}")
    return info | {"cached": False}



def with_bench_profile(db: Path) -> None:
    """Someone works on this database (a clerk of 珲春市), so the app opens on its window."""
    from jjg_desktop.services.startup import active_actor, open_store, set_profile

    store = open_store(resolve_paths(db=db))
    try:
        if active_actor(store) is None:
            set_profile(store, username="bench", display_name="测试员", role="county_clerk",
                        division_code="222404")
    finally:
        store.close()

def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", type=Path, default=DEFAULT_DB)
    for name, value in DEFAULTS.items():
        p.add_argument(f"--{name}", type=int, default=value)
    p.add_argument("--fts", choices=FTS_MODES, default="rebuild",
                   help="fill the search index row by row (trigger) or once at the end")
    p.add_argument("--force", action="store_true", help="rebuild even if a matching file exists")
    a = p.parse_args(argv)
    generate(a.db, enterprises=a.enterprises, projects=a.projects, inspections=a.inspections,
             seed=a.seed, fts=a.fts, force=a.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
