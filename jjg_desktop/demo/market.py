"""A county's construction market as the province sends it: enterprises, registrations, projects.

Everything here is shared data the provincial server already holds, so every row carries a
`server_version` and nothing is audited or queued for sync.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from jjg_desktop.demo import fake
from jjg_desktop.demo.places import Place, jilin_places
from jjg_desktop.demo.seeded import Seeded, china_time
from jjg_desktop.rules.credit_code import complete
from jjg_desktop.store.models import Enterprise, JilinRegistration, KeyPerson, Project, ProjectParty

JILIN_CODE, JILIN_NAME, JILIN_SHORT = "220000", "吉林省", "吉"

PUBLIC_BUILDERS = (  # name after the county, GB 32100 registration type
    ("教育局", "11"), ("卫生健康局", "11"), ("住房和城乡建设局", "11"), ("水务局", "11"),
    ("交通运输局", "11"), ("经济开发区管理委员会", "11"), ("人民医院", "12"), ("中医院", "12"),
    ("城市建设投资集团有限公司", "91"), ("城市发展建设有限公司", "91"), ("供排水有限公司", "91"),
    ("热力有限公司", "91"),
)
DEVELOPER_TRADES = (
    "鸿运", "锦城", "恒泰", "华府", "金港", "图们江", "长白山", "东方", "海晟",
    "兴旺", "瑞丰", "聚鑫", "祥和", "润达", "嘉盛", "新天地", "国基", "隆盛",
    "泰华", "荣鑫", "金源", "博远", "宏业", "中泰", "永盛", "天成", "德润",
    "富民", "安居", "佳和",
)
DEVELOPER_FORMS = ("房地产开发有限公司", "置业有限公司", "房地产开发有限责任公司")
COMMITMENTS = (
    "承诺所登记信息真实、准确、完整",
    "承诺在吉设有固定办公场所并保持联系畅通",
    "承诺项目负责人等主要管理人员按规定到岗履职",
    "承诺依法按时足额支付农民工工资",
    "承诺接受吉林省各级住房城乡建设主管部门的监督管理",
)
# Who builds what: a keyword of the project name -> the public builders that fit it.
BUILDER_BY_KEYWORD = (
    ("学校 中学 小学 幼儿园", ("教育局",)),
    ("第二人民医院", ("卫生健康局",)),
    ("人民医院", ("卫生健康局", "人民医院")),
    ("中医院", ("卫生健康局", "中医院")),
    ("医院 保健院", ("卫生健康局",)),
    ("污水 供水 水厂 雨污 再生水", ("水务局", "供排水有限公司")),
    ("供热", ("热力有限公司",)),
    ("道路 大桥 桥危桥 管网", ("住房和城乡建设局", "交通运输局", "城市建设投资集团有限公司")),
    ("棚户区 老旧小区", ("住房和城乡建设局", "城市发展建设有限公司")),
    ("厂房 车间 仓储 园区", ("经济开发区管理委员会",)),
)
MUNICIPAL_KEYWORDS = ("道路", "大桥", "桥危桥", "管网", "污水", "供水", "水厂", "雨污", "再生水",
                      "供热")
NOT_CONTRACTOR_WORDS = ("监理", "咨询", "工程管理")
HOME_WEIGHTS = {"辽": 4, "黑": 4, "京": 3, "鲁": 3, "苏": 3, "冀": 2, "浙": 2, "豫": 2}

COUNTS = {"public": len(PUBLIC_BUILDERS), "developers": 22, "jilin_contractors": 126,
          "jilin_supervisors": 20, "out_contractors": 100, "out_supervisors": 20}
PROJECTS = 150
HANG_AFTER = 40


@dataclass(slots=True)
class Firm:
    """An enterprise with what the generator needs to know about it beside its row."""

    row: Enterprise
    short: str
    kind: str
    general: bool = False
    registration: JilinRegistration | None = None

    @property
    def out_of_province(self) -> bool:
        return self.registration is not None


@dataclass(slots=True)
class ProjectBundle:
    project: Project
    builder: Firm
    contractor: Firm
    supervisor: Firm
    subcontractor: Firm | None
    parties: dict[str, ProjectParty] = field(default_factory=dict)
    people: dict[tuple[str, str], KeyPerson] = field(default_factory=dict)

    def firm(self, role: str) -> Firm | None:
        return {"建设单位": self.builder, "施工单位": self.contractor, "监理单位": self.supervisor,
                "分包单位": self.subcontractor}[role]

    def person(self, party_role: str, role: str) -> KeyPerson:
        return self.people[(party_role, role)]


@dataclass(slots=True)
class Market:
    firms: list[Firm]
    projects: list[ProjectBundle]
    hung_certificate: tuple[ProjectBundle, ProjectBundle]

    def rows(self) -> list[object]:
        """Every row, parents first."""
        out: list[object] = [f.row for f in self.firms]
        out += [f.registration for f in self.firms if f.registration is not None]
        out += [b.project for b in self.projects]
        out += [p for b in self.projects for p in b.parties.values()]
        out += [k for b in self.projects for k in b.people.values()]
        return out


class MarketBuilder:
    def __init__(self, s: Seeded, county: Place, today: date) -> None:
        self.s, self.county, self.today = s, county, today
        places = jilin_places()
        self.same_prefecture = [p for p in places.values()
                                if p.prefecture_code == county.prefecture_code and p != county]
        self.elsewhere = [p for p in places.values()
                          if p.prefecture_code != county.prefecture_code]
        self.prefecture_seat = min(self.same_prefecture or [county], key=lambda p: p.code)
        self.codes: set[str] = set()
        self.names: set[str] = set()
        self.firms: list[Firm] = []

    def build(self) -> Market:
        for suffix, org_type in PUBLIC_BUILDERS:
            self._public_builder(suffix, org_type)
        for _ in range(COUNTS["developers"]):
            self._developer()
        for _ in range(COUNTS["jilin_contractors"]):
            self._jilin_firm("contractor")
        for _ in range(COUNTS["jilin_supervisors"]):
            self._jilin_firm("supervisor")
        for _ in range(COUNTS["out_contractors"]):
            self._out_firm("contractor")
        for _ in range(COUNTS["out_supervisors"]):
            self._out_firm("supervisor")
        projects, hung = ProjectMaker(self).make()
        return Market(firms=self.firms, projects=projects, hung_certificate=hung)

    def _unique(self, draw: Callable[[], str], taken: set[str]) -> str:
        value = draw()
        while value in taken:
            value = draw()
        taken.add(value)
        return value

    def _add(self, *, name: str, credit_code: str, place: Place, kind: str, short: str,
             home_code: str = JILIN_CODE, home: str = JILIN_NAME, qualifications: list[str],
             address: str, phone: str, registration_day: date | None = None) -> Firm:
        s = self.s
        created = registration_day or s.day_between(date(2019, 1, 1), self.today - timedelta(30))
        updated = min(created + timedelta(days=s.rng.randint(0, 400)), self.today - timedelta(1))
        row = Enterprise(
            id=s.uuid(), credit_code=credit_code, name=name, home_province_code=home_code,
            home_province=home, division_code=place.code,
            legal_representative=fake.person_name(s.rng), qualifications=qualifications,
            address=address, contact_person=fake.person_name(s.rng), contact_phone=phone,
            status="正常", server_version=1 if updated == created else 2,
            created_at=china_time(created, 10, s.rng.randint(0, 59)),
            updated_at=china_time(updated, 15, s.rng.randint(0, 59)))
        firm = Firm(row=row, short=short, kind=kind)
        if kind == "contractor":
            self._licence(firm)
        self.firms.append(firm)
        return firm

    def _licence(self, firm: Firm) -> None:
        expiry = self.today + timedelta(days=self.s.rng.randint(-150, 1100))
        firm.row.safety_licence_expiry = expiry
        firm.row.safety_licence_no = fake.safety_licence_no(self.s.rng, firm.short, expiry.year - 3)

    def _public_builder(self, suffix: str, org_type: str) -> None:
        s, county = self.s, self.county
        code = self._unique(lambda: complete(f"{org_type}{county.code}{s.digits(8)}"),
                            self.codes)
        self._add(name=f"{county.name}{suffix}", credit_code=code, place=county, kind="public",
                  short=JILIN_SHORT, qualifications=[],
                  address=fake.address(s.rng, county.prefecture_name, county.name),
                  phone=fake.landline(s.rng, county.area_code))

    def _developer(self) -> None:
        s, county = self.s, self.county
        place = county.short if s.chance(0.8) else county.prefecture_short
        name = self._unique(lambda: place + s.pick(DEVELOPER_TRADES) + s.pick(DEVELOPER_FORMS),
                            self.names)
        grade = s.pick(("贰级", "叁级", "叁级", "暂定"))
        self._add(name=name, credit_code=self._unique(
                      lambda: fake.credit_code(s.rng, county.code), self.codes),
                  place=county, kind="developer", short=JILIN_SHORT,
                  qualifications=[f"房地产开发企业{grade}资质"],
                  address=fake.address(s.rng, county.prefecture_name, county.name),
                  phone=fake.mobile(s.rng) if s.chance(0.5)
                  else fake.landline(s.rng, county.area_code))

    def _jilin_firm(self, kind: str) -> None:
        s = self.s
        roll = s.rng.random()
        place = (self.county if roll < 0.4 or not self.same_prefecture
                 else s.pick(self.same_prefecture) if roll < 0.65 else s.pick(self.elsewhere))
        firm = self._add(
            name=self._firm_name(kind, place.trade_place(s.rng)),
            credit_code=self._unique(lambda: fake.credit_code(s.rng, place.code), self.codes),
            place=place, kind=kind, short=JILIN_SHORT, qualifications=[],
            address=fake.address(s.rng, place.prefecture_name, place.name),
            phone=fake.landline(s.rng, place.area_code) if s.chance(0.6) else fake.mobile(s.rng))
        self._qualify(firm)

    def _out_firm(self, kind: str) -> None:
        """An out-of-province enterprise: its credit code carries its home division, its
        `division_code` is where it registered in Jilin (入吉登记)."""
        s = self.s
        provinces = fake.HOME_PROVINCES
        home = s.rng.choices(provinces, [HOME_WEIGHTS.get(p.short, 1) for p in provinces])[0]
        roll = s.rng.random()
        office = (self.county if roll < 0.7 or not self.same_prefecture
                  else self.prefecture_seat if roll < 0.9 else s.pick(self.elsewhere))
        place_word = s.pick((home.name.removesuffix("省").removesuffix("市"),
                             home.capital.removesuffix("市")))
        registered = s.day_between(date(2020, 3, 1), self.today - timedelta(days=20))
        firm = self._add(
            name=self._firm_name(kind, place_word),
            credit_code=self._unique(lambda: fake.credit_code(s.rng, home.capital_division),
                                     self.codes),
            place=office, kind=kind, short=home.short, home_code=home.code, home=home.name,
            qualifications=[], address=fake.address(s.rng, home.name, home.capital),
            phone=fake.landline(s.rng, home.area_code) if s.chance(0.6) else fake.mobile(s.rng),
            registration_day=registered)
        self._qualify(firm)
        firm.registration = JilinRegistration(
            id=s.uuid(), enterprise_id=firm.row.id,
            registration_no=f"吉入登〔{registered.year}〕{s.rng.randint(1, 2999):04d}号",
            registered_on=registered, division_code=office.code,
            office_address=fake.address(s.rng, office.prefecture_name, office.name),
            person_in_charge=fake.person_name(s.rng), phone=fake.mobile(s.rng),
            commitments=list(COMMITMENTS), status="有效", server_version=1,
            created_at=firm.row.created_at, updated_at=firm.row.created_at)

    def _firm_name(self, kind: str, place: str) -> str:
        rng = self.s.rng
        if kind == "supervisor":
            return self._unique(lambda: fake.supervision_company_name(rng, place), self.names)

        def contractor_name() -> str:
            name = fake.enterprise_name(rng, place)
            while any(word in name for word in NOT_CONTRACTOR_WORDS):
                name = fake.enterprise_name(rng, place)
            return name

        return self._unique(contractor_name, self.names)

    def _qualify(self, firm: Firm) -> None:
        rng = self.s.rng
        if firm.kind == "supervisor":
            quals = {fake.supervision_qualification(rng) for _ in range(rng.randint(1, 2))}
        else:
            firm.general = rng.random() < 0.75
            first = fake.qualification(rng)
            while ("施工总承包" in first) != firm.general:
                first = fake.qualification(rng)
            quals = {first} | {fake.qualification(rng) for _ in range(rng.randint(0, 2))}
        firm.row.qualifications = sorted(quals)


class ProjectMaker:
    """150 projects in the county with their parties and key persons."""

    def __init__(self, market: MarketBuilder) -> None:
        self.m = market
        self.s = market.s
        firms = market.firms
        self.public = {f.row.name.removeprefix(market.county.name): f
                       for f in firms if f.kind == "public"}
        self.developers = [f for f in firms if f.kind == "developer"]
        general = [f for f in firms if f.kind == "contractor" and f.general]
        self.contractors = {
            kind: [f for f in general if any(q.startswith(fields) for q in f.row.qualifications)]
            or general
            for kind, fields in (("房屋建筑", ("建筑工程施工总承包",)),
                                 ("市政工程", ("市政公用工程施工总承包", "公路工程施工总承包")))}
        self.specialists = [f for f in firms if f.kind == "contractor" and not f.general]
        self.supervisors = [f for f in firms if f.kind == "supervisor"]
        self.names: set[str] = set()
        self.bundles: list[ProjectBundle] = []
        self.first_leader: tuple[ProjectBundle, KeyPerson] | None = None
        self.hung: tuple[ProjectBundle, ProjectBundle] | None = None

    def make(self) -> tuple[list[ProjectBundle], tuple[ProjectBundle, ProjectBundle]]:
        for serial in range(1, PROJECTS + 1):
            self.bundles.append(self._project(serial))
        if self.hung is None:
            raise RuntimeError("no second project under construction to share a constructor")
        return self.bundles, self.hung

    def _weighted(self, firms: list[Firm]) -> Firm:
        county = self.m.county.code

        def weight(f: Firm) -> float:
            if f.out_of_province:
                return 1.0
            return 3.0 if f.row.division_code == county else 1.5

        return self.s.rng.choices(firms, [weight(f) for f in firms])[0]

    def _name(self) -> str:
        name = fake.project_name(self.s.rng, self.m.county.name)
        if name in self.names:
            n = 2
            while f"{name}（{n}标段）" in self.names:
                n += 1
            name = f"{name}（{n}标段）"
        self.names.add(name)
        return name

    def _builder(self, name: str) -> Firm:
        for keywords, suffixes in BUILDER_BY_KEYWORD:
            if any(k in name for k in keywords.split()):
                return self.public[self.s.pick(suffixes)]
        return self.s.pick(self.developers)

    def _dates(self) -> tuple[date, date]:
        s, today = self.s, self.m.today
        year = s.rng.choices((2021, 2022, 2023), (25, 35, 40))[0]
        last_month = min(10, today.month - 1) if year == today.year else 10
        start = date(year, s.rng.randint(4, last_month), s.rng.randint(1, 28))
        return start, start + timedelta(days=30 * s.rng.randint(8, 30))

    def _status(self, finish: date) -> str:
        s = self.s
        if finish < self.m.today - timedelta(days=60) and s.chance(0.85):
            return "竣工"
        return "停工" if s.chance(0.08) else "在建"

    def _project(self, serial: int) -> ProjectBundle:
        s, county = self.s, self.m.county
        name = self._name()
        start, finish = self._dates()
        status = self._status(finish)
        municipal = any(k in name for k in MUNICIPAL_KEYWORDS)
        low, high = (2_000_000, 150_000_000) if municipal else (5_000_000, 300_000_000)
        enabled: bool | None = True
        if status == "在建" and s.chance(0.04):
            enabled = False
        elif status == "竣工" and start.year == 2021 and s.chance(0.3):
            enabled = None
        registered = china_time(start - timedelta(days=s.rng.randint(10, 40)), 14)
        project = Project(
            id=s.uuid(), code=f"{county.code}{start.year}{serial:04d}", name=name,
            division_code=county.code,
            address=fake.address(s.rng, county.prefecture_name, county.name),
            kind="市政工程" if municipal else "房屋建筑", status=status,
            permit_no="" if status == "在建" and s.chance(0.02)
            else f"{county.code}{start:%Y%m%d}{serial:04d}",
            contract_amount=Decimal(s.rng.randint(low, high)) + Decimal(s.rng.randint(0, 99)) / 100,
            start_date=start, planned_completion=finish, real_name_enabled=enabled,
            server_version=2 if status == "竣工" else 1, created_at=registered,
            updated_at=registered if status == "在建" else china_time(
                min(finish, self.m.today - timedelta(days=1)), 11))
        bundle = ProjectBundle(
            project=project, builder=self._builder(name),
            contractor=self._weighted(self.contractors[project.kind]),
            supervisor=self._weighted(self.supervisors),
            subcontractor=self._weighted(self.specialists) if s.chance(0.35) else None)
        self._staff(bundle)
        return bundle

    def _staff(self, b: ProjectBundle) -> None:
        s = self.s
        for role in ("建设单位", "施工单位", "监理单位", "分包单位"):
            firm = b.firm(role)
            if firm is not None:
                b.parties[role] = ProjectParty(
                    id=s.uuid(), project_id=b.project.id, enterprise_id=firm.row.id, role=role,
                    server_version=1, created_at=b.project.created_at,
                    updated_at=b.project.created_at)
        self._person(b, "建设单位", "项目负责人", "")
        first = self.first_leader
        if b.project.status == "在建" and first is not None and self.hung is None and \
                len(self.bundles) >= HANG_AFTER:
            self._hang_certificate(b, first)
        else:
            leader = self._person(b, "施工单位", "项目负责人", self._constructor(b))
            if b.project.status == "在建" and first is None:
                self.first_leader = (b, leader)
        self._person(b, "施工单位", "技术负责人", "")
        self._person(b, "施工单位", "质量负责人", "")
        self._person(b, "施工单位", "安全员", self._safety_cert(b.contractor))
        self._person(b, "监理单位", "总监理工程师",
                     b.supervisor.row.home_province_code[:2] + s.digits(6))
        self._person(b, "监理单位", "专业监理工程师", "")
        if b.subcontractor is not None:
            self._person(b, "分包单位", "项目负责人", self._constructor(b, b.subcontractor))

    def _hang_certificate(self, b: ProjectBundle, first: tuple[ProjectBundle, KeyPerson]) -> None:
        """One constructor as 项目负责人 on two projects at once (挂证, seed item 十)."""
        other, leader = first
        b.contractor = other.contractor
        b.parties["施工单位"].enterprise_id = other.contractor.row.id
        self._person(b, "施工单位", "项目负责人", leader.cert_no, leader.name, leader.phone)
        self.hung = (other, b)

    def _person(self, b: ProjectBundle, party_role: str, role: str, cert: str,
                name: str | None = None, phone: str | None = None) -> KeyPerson:
        s = self.s
        person = KeyPerson(
            id=s.uuid(), project_id=b.project.id, party_id=b.parties[party_role].id, role=role,
            name=name or fake.person_name(s.rng), cert_no=cert, phone=phone or fake.mobile(s.rng),
            server_version=1, created_at=b.project.created_at, updated_at=b.project.created_at)
        b.people[(party_role, role)] = person
        return person

    def _constructor(self, b: ProjectBundle, firm: Firm | None = None) -> str:
        return fake.constructor_cert_no(self.s.rng, (firm or b.contractor).short)

    def _safety_cert(self, firm: Firm) -> str:
        return f"{firm.short}建安C（{self.s.rng.randint(2015, 2023)}）{self.s.digits(7)}"
