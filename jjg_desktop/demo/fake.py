"""Deterministic, fictitious Chinese construction-market data for demos and benchmarks.

Every function draws only from the ``random.Random`` it is given, so a seed fixes the output.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from jjg_desktop.rules.credit_code import ALPHABET, complete


@dataclass(frozen=True, slots=True)
class Province:
    code: str
    name: str
    short: str
    capital: str
    capital_division: str
    area_code: str


def _words(text: str) -> tuple[str, ...]:
    """Split on whitespace; ``word*3`` repeats a word to weight the draw."""
    out: list[str] = []
    for item in text.split():
        word, _, times = item.partition("*")
        out.extend([word] * int(times or 1))
    return tuple(out)


JILIN_AREA_CODES: dict[str, str] = {
    "220100": "0431",
    "220200": "0432",
    "220300": "0434",
    "220400": "0437",
    "220500": "0435",
    "220600": "0439",
    "220700": "0438",
    "220800": "0436",
    "222400": "0433",
}

HOME_PROVINCES: tuple[Province, ...] = (
    Province("110000", "北京市", "京", "北京市", "110100", "010"),
    Province("120000", "天津市", "津", "天津市", "120100", "022"),
    Province("130000", "河北省", "冀", "石家庄市", "130100", "0311"),
    Province("140000", "山西省", "晋", "太原市", "140100", "0351"),
    Province("150000", "内蒙古自治区", "蒙", "呼和浩特市", "150100", "0471"),
    Province("210000", "辽宁省", "辽", "沈阳市", "210100", "024"),
    Province("230000", "黑龙江省", "黑", "哈尔滨市", "230100", "0451"),
    Province("310000", "上海市", "沪", "上海市", "310100", "021"),
    Province("320000", "江苏省", "苏", "南京市", "320100", "025"),
    Province("330000", "浙江省", "浙", "杭州市", "330100", "0571"),
    Province("340000", "安徽省", "皖", "合肥市", "340100", "0551"),
    Province("350000", "福建省", "闽", "福州市", "350100", "0591"),
    Province("360000", "江西省", "赣", "南昌市", "360100", "0791"),
    Province("370000", "山东省", "鲁", "济南市", "370100", "0531"),
    Province("410000", "河南省", "豫", "郑州市", "410100", "0371"),
    Province("420000", "湖北省", "鄂", "武汉市", "420100", "027"),
    Province("430000", "湖南省", "湘", "长沙市", "430100", "0731"),
    Province("440000", "广东省", "粤", "广州市", "440100", "020"),
    Province("500000", "重庆市", "渝", "重庆市", "500100", "023"),
    Province("510000", "四川省", "川", "成都市", "510100", "028"),
    Province("610000", "陕西省", "陕", "西安市", "610100", "029"),
)

_JILIN_DIVISIONS = tuple(JILIN_AREA_CODES)
_PROVINCE_DIGITS = {"吉": "22"} | {p.short: p.code[:2] for p in HOME_PROVINCES}
_EIGHT_DIGIT_AREAS = frozenset(_words("0311 0371 0431 0432 0451 0531 0551 0571 0591 0731 0791"))

_COMMON_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤"
)
_OTHER_SURNAMES = (
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯"
    "纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农"
    "司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇"
    "栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_SURNAMES = _COMMON_SURNAMES * 4 + _OTHER_SURNAMES
_GIVEN_FIRST = "建国志永德春海晓宏玉振子文秀丽淑桂凤俊佳雨思梓欣浩宇天明新立金长庆艳红云家兴学"
_GIVEN_LAST = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚华辉力鹏宇浩凯峰博鑫晨阳琳婷雪丹玲海波斌"
    "宁欣颖红春东亮林成宏云飞龙梅英兰芬萍燕玉健威锋琦瑶涵轩然彤怡萱铭睿泽航旭岩松柏"
)

_MOBILE_PREFIXES = _words(
    "130 131 132 133 134 135 136 137 138 139 145 147 150 151 152 153 155 156 157 158 159"
    " 166 170 171 173 175 176 177 178 180 181 182 183 184 185 186 187 188 189"
    " 191 193 195 196 197 198 199"
)

_TRADE_HEADS = (
    "宏鑫华恒金盛鼎泰兴隆祥瑞昌润丰德嘉博正诚信永利达源海天坤乾通远东北安万新宇"
    "亿广汇荣富凯龙腾辉煌益顺和众鸿建锦耀启志冠卓立伟振誉晟"
)
_TRADE_TAILS = (
    "达源泰信鼎盛兴隆祥瑞昌润丰德基业宇发成安通远宸邦峰程茂晟辉晖力创元禾硕阔欣铭坤衡鑫凯佳越"
    "华昊嘉弘拓垣筑澜泓"
)
_TRADE_WORDS = _words(
    "宏达 鑫源 建工 华泰 恒信 北方 东北 金鼎 长白 松花江 关东 北辰 天宇 盛世 巨龙"
    " 腾飞 广厦 安泰 鼎立 筑成 基石 城建 兴业 宏图 润泽 华夏 鲲鹏 昊天 嘉禾 远洋"
)
_INDUSTRIES = _words(
    "建筑工程*6 建设工程*4 建筑安装工程*2 市政工程*2 建设*2 市政建设工程 路桥工程 路桥建设"
    " 建筑装饰工程 装饰工程 水利水电工程 钢结构工程 防水保温工程 基础工程 机电安装工程"
    " 工程建设监理 工程咨询 工程管理"
)
_LEGAL_FORMS = _words("有限公司*12 有限责任公司*5 股份有限公司 集团有限公司")
_SUPERVISION_FORMS = _words(
    "工程建设监理有限公司*2 工程项目管理有限公司 建设工程监理有限责任公司"
    " 工程监理有限公司 工程咨询监理有限公司"
)

_ROADS = _words(
    "人民大街 解放大路 建设街 长江路 松江路 工农大路 自由大路 西安大路 亚泰大街 前进大街"
    " 南湖大路 同志街 重庆路 光明街 新华路 和平路 胜利街 文化路 友谊路 迎宾路 站前街 中华路"
    " 民主街 团结路 北京路 繁荣路 卫星路 东盛大街 普阳街 延安大路 青年路 长白路 新民大街"
    " 兴华街 滨江路 学府路 朝阳街 花园路 公园路 商业街"
)
_BUILDING_NAMES = _words("科技 国际 金融 商务 财富 时代 世纪 鼎盛 盛世 万隆 汇金 天元")
_BUILDING_KINDS = _words("大厦 中心 广场")

_NUMERALS = "一二三四五六七八九十"
_ESTATE_HEADS = _words(
    "幸福 阳光 金色 御景 锦绣 碧水 翡翠 盛世 和谐 紫薇 书香 福泽 明珠 怡和 泰和 康乐 滨河"
    " 长青 东方 学府"
)
_ESTATE_TAILS = _words("佳苑 家园 花园 名苑 华庭 雅居 新城 嘉园 名都 丽景")
_SCHOOLS = _words("中学 小学 实验中学 实验小学 职业技术学校 幼儿园")
_SCHOOL_BUILDINGS = _words("教学楼 综合楼 宿舍楼 食堂 风雨操场 实验楼")
_HOSPITALS = _words("人民医院 中医院 妇幼保健院 中心医院 第二人民医院 中西医结合医院")
_HOSPITAL_BUILDINGS = _words("门诊综合楼 住院楼 医技楼 发热门诊 急诊楼")
_BUILD_KINDS = _words("新建工程 建设项目 改扩建工程 维修改造工程")
_BRIDGES = _words("幸福 团结 友谊 胜利 新华 东风 和平 迎宾 滨河 长青 通达 人民")
_BRIDGE_WORKS = _words("大桥新建工程*2 桥危桥改造工程 大桥加固改造工程")
_WATER_WORKS = _words(
    "污水处理厂提标改造工程 污水处理厂扩建工程 供水管网改造工程 第二水厂建设项目"
    " 雨污分流改造工程 供热管网改造工程 再生水利用工程"
)
_PLANTS = _words("标准化厂房 生产车间及仓库 物流仓储中心 农产品加工园区厂房 综合办公楼")
_PARKS = _words("经济开发区 工业集中区 高新技术产业园 物流园区")
_URBAN_RENEWAL = _words("老旧小区改造项目 城市棚户区改造项目 城镇老旧小区配套基础设施改造项目")

_GENERAL_CONTRACTING = _words(
    "建筑工程*4 市政公用工程*2 公路工程 水利水电工程 机电工程 电力工程 矿山工程 石油化工工程"
    " 通信工程"
)
_CONTRACTING_GRADES = _words("壹级 贰级*2 叁级*2")
_SPECIALIST_THREE_GRADES = frozenset(
    _words(
        "地基基础工程 钢结构工程 建筑机电安装工程 桥梁工程 隧道工程 环保工程 古建筑工程"
        " 城市及道路照明工程 公路路基工程 公路路面工程"
    )
)
_SPECIALIST_CONTRACTING = (
    *sorted(_SPECIALIST_THREE_GRADES),
    *_words(
        "建筑装修装饰工程 建筑幕墙工程 消防设施工程 防水防腐保温工程 电子与智能化工程"
        " 起重设备安装工程"
    ),
)
_UNGRADED_SPECIALIST = _words("模板脚手架 预拌混凝土")
_SUPERVISION_FIELDS = _words(
    "房屋建筑工程*4 市政公用工程*2 公路工程 水利水电工程 机电安装工程 电力工程 化工石油工程"
    " 通信工程"
)
_SUPERVISION_GRADE_C = frozenset(_words("房屋建筑工程 市政公用工程 公路工程 水利水电工程"))


def _digits(rng: random.Random, n: int) -> str:
    return f"{rng.randrange(10**n):0{n}d}"


def person_name(rng: random.Random) -> str:
    surname = rng.choice(_SURNAMES)
    if rng.random() < 0.3:
        return surname + rng.choice(_GIVEN_LAST)
    return surname + rng.choice(_GIVEN_FIRST) + rng.choice(_GIVEN_LAST)


def mobile(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + _digits(rng, 8)


def landline(rng: random.Random, area_code: str) -> str:
    length = 8 if len(area_code) == 3 or area_code in _EIGHT_DIGIT_AREAS else 7
    return f"{area_code}-{rng.randint(2, 8)}{_digits(rng, length - 1)}"


def _trade_name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        return rng.choice(_TRADE_WORDS)
    head, tail = rng.choice(_TRADE_HEADS), rng.choice(_TRADE_TAILS)
    while tail == head:
        tail = rng.choice(_TRADE_TAILS)
    if roll < 0.25:
        return rng.choice(_TRADE_WORDS) + head + tail
    return head + tail


def enterprise_name(rng: random.Random, place: str) -> str:
    return place + _trade_name(rng) + rng.choice(_INDUSTRIES) + rng.choice(_LEGAL_FORMS)


def supervision_company_name(rng: random.Random, place: str) -> str:
    return place + _trade_name(rng) + rng.choice(_SUPERVISION_FORMS)


def credit_code(rng: random.Random, division_code: str) -> str:
    if len(division_code) != 6 or not division_code.isdigit():
        raise ValueError(f"division code must be 6 digits: {division_code!r}")
    return complete("91" + division_code + _organisation_body(rng))


def _organisation_body(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return "MA" + "".join(rng.choices(ALPHABET, k=6))
    return _digits(rng, 8)


def address(rng: random.Random, prefecture: str, county: str) -> str:
    place = prefecture if county in ("", prefecture) else prefecture + county
    street = f"{place}{rng.choice(_ROADS)}{rng.randint(1, 1999)}号"
    roll = rng.random()
    if roll < 0.25:
        floor, room = rng.randint(1, 18), rng.randint(1, 6)
        return f"{street}{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{floor}{room:02d}室"
    if roll < 0.4:
        building = rng.choice(_BUILDING_NAMES) + rng.choice(_BUILDING_KINDS)
        return f"{street}{building}{rng.randint(2, 28)}层"
    return street


def project_name(rng: random.Random, county: str) -> str:
    kind = rng.randrange(8)
    if kind == 0:
        school = rng.choice(_SCHOOLS)
        if school in ("中学", "小学"):
            school = f"第{rng.choice(_NUMERALS)}{school}"
        return f"{county}{school}{rng.choice(_SCHOOL_BUILDINGS)}{rng.choice(_BUILD_KINDS)}"
    if kind in (1, 2):
        estate = f"{county}{rng.choice(_ESTATE_HEADS)}{rng.choice(_ESTATE_TAILS)}小区"
        phase = rng.choice(_NUMERALS[:4])
        if rng.random() < 0.5:
            return f"{estate}{phase}期住宅楼工程"
        first = rng.randint(1, 12)
        return f"{estate}{phase}期{first}#-{first + rng.randint(1, 8)}#住宅楼及地下车库工程"
    if kind == 3:
        hospital = rng.choice(_HOSPITALS)
        return f"{county}{hospital}{rng.choice(_HOSPITAL_BUILDINGS)}{rng.choice(_BUILD_KINDS)}"
    if kind == 4:
        road, start, end = rng.sample(_ROADS, 3)
        if rng.random() < 0.5:
            return f"{county}{road}市政道路及配套管网工程"
        return f"{county}{road}（{start}至{end}段）道路改造工程"
    if kind == 5:
        if rng.random() < 0.5:
            return f"{county}{rng.choice(_BRIDGES)}{rng.choice(_BRIDGE_WORKS)}"
        return county + rng.choice(_WATER_WORKS)
    if kind == 6:
        return f"{county}{rng.choice(_PARKS)}{rng.choice(_PLANTS)}建设项目"
    return f"{county}{rng.randint(2019, 2025)}年{rng.choice(_URBAN_RENEWAL)}"


def qualification(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.05:
        return f"{rng.choice(_UNGRADED_SPECIALIST)}专业承包不分等级"
    if roll < 0.06:
        return f"{rng.choice(_GENERAL_CONTRACTING)}施工总承包特级"
    if roll < 0.55:
        return f"{rng.choice(_GENERAL_CONTRACTING)}施工总承包{rng.choice(_CONTRACTING_GRADES)}"
    field = rng.choice(_SPECIALIST_CONTRACTING)
    grades = _CONTRACTING_GRADES if field in _SPECIALIST_THREE_GRADES else ("壹级", "贰级")
    return f"{field}专业承包{rng.choice(grades)}"


def supervision_qualification(rng: random.Random) -> str:
    if rng.random() < 0.05:
        return "工程监理综合资质"
    field = rng.choice(_SUPERVISION_FIELDS)
    grades = "甲乙丙" if field in _SUPERVISION_GRADE_C else "甲乙"
    return f"{field}监理{rng.choice(grades)}级"


def safety_licence_no(rng: random.Random, province_short: str, year: int) -> str:
    return f"（{province_short}）JZ安许证字〔{year}〕{_digits(rng, 6)}"


def constructor_cert_no(rng: random.Random, province_short: str) -> str:
    try:
        province = _PROVINCE_DIGITS[province_short]
    except KeyError:
        raise ValueError(f"unknown province short name: {province_short!r}") from None
    level, year = rng.choice("12"), rng.randint(6, 23)
    return f"{province_short}{province}{level}{year:02d}{_digits(rng, 7)}"


def enforcement_cert_no(rng: random.Random) -> str:
    return f"{rng.choice(_JILIN_DIVISIONS)}{rng.randint(15, 25)}{_digits(rng, 6)}"
