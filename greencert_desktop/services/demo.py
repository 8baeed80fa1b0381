"""A realistic, deterministic demo register: organisations, bodies, certificates, subsidies, cases.

Everything comes from one seeded ``random.Random`` (never the global one): the same seed,
parameters and ``today`` give identical rows. Rows are plain dicts inserted with SQLAlchemy
Core ``executemany`` in chunks on one connection inside one transaction, so a million
certificates take minutes, not hours; only the chunk being written and a few compact
per-organisation lists are held in memory. Uniqueness (credit codes, names, approval numbers,
certificate numbers per body) holds by construction or by a set of what is already used.

The vocabulary below (place words, name stems, industries, bodies) is demo material, not
reference data: the reporting units, industry sections and catalogue always come from the
register, and catalogue types this module does not know still get plausible certificates.
The named certification bodies are real, but apart from 中国质量认证中心 (CNCA-R-2002-001)
and 中环联合 (CNCA-R-2002-105) their approval numbers are invented; each body's notes say so.
"""

from __future__ import annotations

import random
import time
from bisect import bisect_right
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate
from typing import Any, TypeVar

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from greencert_desktop.domain.credit_code import ALPHABET, make_code
from greencert_desktop.domain.errors import UserError
from greencert_desktop.domain.status import CertStatus
from greencert_desktop.domain.validation import default_expiry
from greencert_desktop.services import audit
from greencert_desktop.services.register import Register
from greencert_desktop.storage.models import (
    CertBody,
    Certificate,
    Organisation,
    Subsidy,
    SupervisionCase,
    Unit,
)

T = TypeVar("T")

CHUNK = 20_000
MAX_CERTS = 5_000_000
MAX_ORGS = 2_000_000
SPAN_DAYS = 6 * 365
"""Issue dates spread over the last ~6 years."""
CASE_SHARE = 0.02
CASE_SPAN_DAYS = 2 * 365
BLACKLIST_SHARE = 0.04
DEFAULT_VALIDITY = 3
NOTE = "演示数据"

BLACKLIST = "严重违法失信名单"
ABNORMAL = "经营异常"
NORMAL = "正常"
LEAD = "龙头"
GROWTH = "高成长"


@dataclass(frozen=True)
class DemoSummary:
    organisations: int
    bodies: int
    certificates: int
    subsidies: int
    cases: int
    seconds: float


# ---------------------------------------------------------------------------- vocabulary

# Town-level places per reporting unit (streets, towns, townships).
_TOWNS: dict[str, tuple[str, ...]] = {
    "320703": ("墟沟街道", "连云街道", "板桥街道", "宿城街道", "高公岛街道", "云山街道"),
    "320706": ("新海街道", "新东街道", "新浦街道", "朐阳街道", "洪门街道", "宁海街道",
               "幸福路街道", "路南街道", "新坝镇", "锦屏镇", "板浦镇", "浦南镇"),
    "320707": ("青口镇", "柘汪镇", "石桥镇", "金山镇", "黑林镇", "厉庄镇", "海头镇",
               "班庄镇", "城头镇", "宋庄镇", "沙河镇", "墩尚镇", "赣马镇"),
    "320722": ("牛山街道", "石榴街道", "白塔埠镇", "黄川镇", "石梁河镇", "青湖镇", "温泉镇",
               "双店镇", "桃林镇", "洪庄镇", "安峰镇", "房山镇", "平明镇", "驼峰乡",
               "李埝乡", "山左口乡", "石湖乡", "曲阳乡", "张湾乡"),
    "320723": ("伊山镇", "杨集镇", "燕尾港镇", "同兴镇", "四队镇", "圩丰镇", "龙苴镇",
               "下车镇", "图河镇", "东王集镇", "小伊乡", "南岗乡"),
    "320724": ("新安镇", "堆沟港镇", "田楼镇", "北陈集镇", "张店镇", "三口镇", "孟兴庄镇",
               "汤沟镇", "百禄镇", "新集镇", "李集镇"),
    "320771": ("中云街道", "猴嘴街道", "朝阳街道"),
    "320772": ("花果山街道", "南城街道"),
    "3207XW": ("徐圩街道",),
    "3207YT": ("云台街道",),
}
_DEFAULT_TOWNS = ("城区",)

# Division codes found in the credit codes of a unit's organisations (old codes included).
_DIVISIONS: dict[str, tuple[tuple[str, int], ...]] = {
    "320703": (("320703", 8), ("320700", 2)),
    "320706": (("320706", 6), ("320705", 3), ("320700", 2)),
    "320707": (("320707", 6), ("320721", 4)),
    "320722": (("320722", 1),),
    "320723": (("320723", 1),),
    "320724": (("320724", 1),),
    "320771": (("320700", 5), ("320703", 2)),
    "320772": (("320700", 5), ("320706", 3), ("320705", 1)),
    "3207XW": (("320700", 6), ("320703", 2)),
    "3207YT": (("320700", 3), ("320703", 2), ("320706", 2)),
}
_OUTSIDE = (("320100", "南京"), ("320200", "无锡"), ("320300", "徐州"), ("320500", "苏州"),
            ("320800", "淮安"), ("320900", "盐城"), ("310115", "上海"), ("110105", "北京"),
            ("370200", "青岛"), ("371100", "日照"), ("330100", "杭州"), ("440300", "深圳"),
            ("410100", "郑州"))
_OUTSIDE_SHARE = 0.04

_UNIT_WEIGHTS = {"320703": 8, "320706": 25, "320707": 14, "320722": 15, "320723": 10,
                 "320724": 9, "320771": 10, "320772": 5, "3207XW": 3, "3207YT": 1}

_ROADS = ("朝阳中路", "海连东路", "通灌南路", "解放中路", "人民东路", "郁州南路", "苍梧路",
          "瀛洲南路", "花果山大道", "港城大道", "华联路", "中华西路", "新浦路", "建设东路",
          "陇海西路", "幸福南路", "龙河路", "振兴路", "晶都大道", "牛山南路", "黄海路",
          "青口路", "伊山路", "新安路", "海滨大道", "东方大道", "云台路", "凤凰大道",
          "科技大道", "工业一路", "工业三路", "经二路", "纬六路", "临港路", "疏港大道")

_STEM_FIRST = "恒华鑫盛嘉宏瑞金德永新天海中泰利康正博东祥润富兴安裕佳诚明源景凯联远达丰通益晶港云苍沃绿蓝翔锦腾乐汇信"
_STEM_SECOND = "达源泰丰通瑞华昌盛诚信邦宇辰越拓科晟鸿润洋航悦星海隆禾和康森锐宸弘晖耀峰帆途顺泽"
# Stems of well-known firms and of place names are not used.
_AVOIDED_STEMS = frozenset({"恒瑞", "康缘", "豪森", "天晴", "中复", "盛虹", "天明", "神鹰",
                            "中蓝", "国信", "海信", "华润", "中海", "海航", "华泰", "正泰",
                            "远洋", "中通", "中华", "中信", "联通", "东海", "连云", "海州", "新海"})

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭邹熊金陆孔白崔康毛邱秦江史顾侯邵孟万段钱汤尹常武乔贺龚"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌鹏辉宇浩凯健俊峰晨亮成林海波宁欣悦婷雪琳梅"
_MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150",
                    "151", "152", "153", "155", "156", "157", "158", "159", "180", "181",
                    "182", "183", "185", "186", "187", "188", "189")

# Industries: (section, activity verb, weight, variants). Each variant is
# "class:name word:product/product" with a GB/T 4754-2017 four-digit class.
_Variant = tuple[str, str, tuple[str, ...]]
_Industry = tuple[str, str, float, tuple[_Variant, ...]]
_RawIndustry = tuple[str, str, float, str]


def _variants(raw: tuple[_RawIndustry, ...]) -> tuple[_Industry, ...]:
    out = []
    for section, verb, weight, text in raw:
        variants = []
        for item in text.split():
            code, word, products = item.split(":")
            variants.append((code, word, tuple(products.split("/"))))
        out.append((section, verb, weight, tuple(variants)))
    return tuple(out)


_ENTERPRISE_INDUSTRIES = _variants((
    ("C", "的生产", 6, "3041:硅材料:高纯石英砂/硅微粉 3049:石英科技:石英玻璃制品/石英坩埚 "
                     "3099:水晶制品:水晶饰品/水晶工艺品 3099:新材料:球形硅微粉/熔融石英"),
    ("C", "的生产", 4, "2710:医药:原料药/化学药品制剂 2720:制药:化学药品制剂/片剂 "
                     "2740:药业:中成药/颗粒剂 2770:医疗用品:医用敷料/卫生材料"),
    ("C", "的生产", 6, "2614:化工:有机化学原料/甲醇衍生物 2619:化学:精细化学品/基础化学原料 "
                     "2641:涂料:水性涂料/工业涂料 2651:新材料科技:聚丙烯/聚乙烯 "
                     "2661:精细化工:塑料助剂/水处理剂"),
    ("C", "的设计和制造", 6, "3311:钢结构:钢结构件/网架结构 3411:锅炉:工业锅炉/余热锅炉 "
                         "3441:泵业:化工泵/离心泵 3484:机械:机械零部件/精密铸件 "
                         "3484:装备制造:机械零部件/非标设备"),
    ("C", "的生产", 5, "3825:光伏科技:光伏组件/光伏支架 3841:新能源:锂离子电池/储能电池 "
                     "3812:电机:三相异步电动机/永磁同步电动机 3831:电缆:电线电缆/电力电缆"),
    ("C", "的生产", 5, "1311:粮油:大米/稻谷加工产品 1331:食品:食用植物油/花生油 "
                     "1361:水产食品:冷冻水产品/冻虾仁 1371:食品科技:脱水蔬菜/速冻蔬菜 "
                     "1469:海洋食品:调味紫菜/紫菜制品"),
    ("C", "的生产", 2, "1711:纺织:棉纱/棉布 1771:家纺:床上用品/毛巾 1810:服饰:服装/工作服"),
    ("C", "的生产", 4, "3021:建材:预拌混凝土/混凝土预制构件 3011:水泥:水泥/水泥熟料 "
                     "3031:新型建材:蒸压加气混凝土砌块/烧结砖 3032:石材:建筑用石材/石材制品"),
    ("C", "的生产", 3, "2231:包装:瓦楞纸箱/纸包装制品 2221:纸业:纸制品/瓦楞原纸 "
                     "2319:印务:包装印刷品/商标标识"),
    ("C", "的生产", 2, "2921:塑业:塑料薄膜/农用薄膜 2922:管业:塑料管材/塑料型材 "
                     "2927:塑胶:日用塑料制品/塑料餐具"),
    ("C", "的生产", 2, "3130:钢铁:钢材/螺纹钢 3140:特钢:铁合金/镍铁合金 "
                     "3240:金属材料:有色金属压延材/铝合金型材"),
    ("C", "的设计和制造", 2, "3731:船舶:钢质船舶/工程船舶 3734:船舶配件:船用配套设备/船用阀门 "
                         "3737:海洋工程:海洋工程装备/海上风电平台部件"),
    ("C", "的生产", 2, "2110:家具:实木家具/板式家具 2130:办公家具:办公家具/金属家具 "
                     "2021:木业:胶合板/生态板"),
    ("C", "的生产", 1.5, "3670:汽车零部件:汽车零部件/汽车内饰件 3670:汽车配件:汽车配件/制动器总成"),
    ("C", "的研发和生产", 2.5, "3981:电子科技:电子元器件/电容器 3989:电子:传感器/电子元件 "
                           "4090:智能科技:仪器仪表/智能控制器"),
    ("A", "的种植", 3, "0111:农业发展:水稻/大米 0112:生态农业:小麦/玉米 "
                     "0141:农业科技:蔬菜/西兰花 0143:现代农业:食用菌/香菇"),
    ("A", "的种植", 2.5, "0151:果业:黄桃/苹果 0152:生态园:葡萄/蓝莓 0164:茶业:茶叶/云雾茶 "
                       "0151:农业开发:蓝莓/草莓"),
    ("A", "的养殖", 2, "0411:水产:对虾/梭子蟹 0411:紫菜:紫菜/条斑紫菜 0411:海洋渔业:贝类/海参 "
                     "0412:水产养殖:淡水鱼/螃蟹"),
    ("A", "的养殖", 1.5, "0313:畜牧:生猪/猪肉 0321:牧业:肉鸡/鸡蛋 0311:养殖:肉牛/牛肉"),
    ("B", "的开采", 0.5, "1019:矿业:建筑用石料/砂石 1099:矿产:石英矿石/蛇纹石"),
    ("D", "的生产和供应", 2, "4411:热电:电力/蒸汽 4415:风电:风力发电/电力 4416:新能源:光伏发电/电力 "
                         "4430:热力:热力/蒸汽 4610:水务:自来水/供水"),
    ("E", "施工", 6, "4812:路桥:公路工程/桥梁工程 4813:市政工程:市政道路工程/排水管网工程 "
                   "4823:港航工程:港口与航道工程/码头工程 4812:交通建设:公路工程/交通安全设施工程"),
    ("E", "施工", 4, "4710:建设:房屋建筑工程/住宅工程 4790:建筑:房屋建筑工程/厂房工程 "
                   "5011:装饰工程:建筑装饰装修工程/幕墙工程 4910:建筑安装:机电安装工程/电气安装工程"),
    ("F", "的销售", 7, "5191:再生资源:再生资源/废旧物资 5165:建材贸易:建材/钢材 "
                     "5211:商贸:日用百货/农副产品 5212:超市:日用百货/生鲜食品"),
    ("G", "服务", 9, "5431:运输:道路货物运输/冷链运输 5532:港口:港口装卸/港口仓储 "
                   "5810:国际物流:多式联运/货运代理 5920:物流:仓储/配送 6020:快递:快递/同城配送 "
                   "5522:航运:沿海货物运输/集装箱运输 5810:供应链:多式联运/供应链管理"),
    ("H", "服务", 2, "6110:酒店:住宿/会议接待 6121:酒店管理:住宿/酒店管理 6210:餐饮:餐饮/正餐 "
                   "6241:餐饮管理:团体膳食配送/餐饮"),
    ("I", "服务", 4, "6511:软件:基础软件开发/软件开发 6513:信息技术:应用软件开发/软件开发 "
                   "6450:数据科技:互联网数据/数据处理 6531:网络科技:信息系统集成/网络工程"),
    ("J", "服务", 0.5, "6631:融资租赁:融资租赁/设备租赁 6999:金融服务:金融信息/供应链金融"),
    ("K", "服务", 1.5, "7020:物业管理:物业管理/保洁 7010:置业:房地产开发经营/商品房销售 "
                     "7010:房地产开发:房地产开发经营/商品房销售"),
    ("L", "服务", 1.5, "7212:企业管理:企业管理咨询/投资管理 7281:会展:会议会展/展览 "
                     "7263:人力资源:人力资源/劳务派遣"),
    ("M", "服务", 4, "7452:检测技术:检验检测/环境检测 7484:设计院:工程设计/规划设计 "
                   "7320:工程技术:工程技术研究/试验发展 7514:节能科技:节能技术推广/合同能源管理"),
    ("N", "服务", 3, "7721:环保科技:污水处理/中水回用 7723:环境治理:固体废物治理/一般固废处置 "
                   "7724:环境工程:危险废物处置/危废收集贮存 7820:环卫:环境卫生管理/城乡保洁 "
                   "7840:园林:园林绿化/绿化养护"),
    ("O", "服务", 1, "8010:家政服务:家政/保洁 8111:汽车服务:汽车维修与保养/汽车美容 "
                   "8090:生活服务:洗染/便民服务"),
    ("R", "服务", 0.5, "9030:旅游开发:休闲观光/旅游观光 8810:文化传媒:文艺演出/文化活动"),
))
_ENT_SUFFIXES = (("有限公司", 72), ("有限责任公司", 9), ("股份有限公司", 8), ("集团有限公司", 3))

# Individual businesses (个体工商户): the name word is the business's own ending.
_INDIVIDUAL_INDUSTRIES = _variants((
    ("A", "的种植", 4, "0141:家庭农场:蔬菜/西红柿 0151:生态农场:草莓/黄桃 0164:茶园:茶叶/云雾茶"),
    ("F", "的销售", 3, "5211:商行:日用百货/副食品 5212:便利店:日用百货/饮料 5211:副食品店:副食品/粮油"),
    ("H", "服务", 2, "6210:饭店:餐饮/正餐 6210:餐馆:餐饮/快餐"),
    ("O", "服务", 1, "8111:汽车修理部:汽车维修/汽车保养 8111:汽修厂:汽车维修/轮胎修补"),
))
# Farmers' co-operatives: named after their first product.
_COOP_INDUSTRIES = _variants((
    ("A", "的种植", 5, "0111:种植:水稻/大米 0141:种植:蔬菜/大蒜 0143:种植:食用菌/香菇 "
                     "0141:种植:山药/芦笋"),
    ("A", "的种植", 3, "0151:种植:黄桃/苹果 0152:种植:葡萄/提子 0151:种植:蓝莓/草莓 0164:种植:茶叶/绿茶"),
    ("A", "的养殖", 2, "0411:养殖:紫菜/条斑紫菜 0411:养殖:对虾/南美白对虾 0412:养殖:螃蟹/河蟹"),
    ("A", "的养殖", 1, "0313:养殖:生猪/仔猪 0321:养殖:肉鸡/鸡蛋"),
))
_CROPS = ("大米", "茶叶", "紫菜", "蓝莓", "草莓", "葡萄", "芦笋", "西兰花", "小麦", "花生",
          "食用菌", "黄桃", "山药", "大蒜", "对虾")
_GI_PLACES = ("东海", "赣榆", "灌云", "灌南", "连云港", "海州", "云台山")
_ORDINALS = "一二三四五六七八九十"

# (profile, department, kind, weight): 9 market regulation (1 enterprise, 2 individual,
# 3 co-operative), 1 public institution, 5 social organisation, N agriculture, Y other.
_PROFILES = (("enterprise", "9", "1", 80.0), ("individual", "9", "2", 5.0),
             ("coop", "9", "3", 7.0), ("public", "1", "2", 3.0), ("social", "5", "2", 3.0),
             ("village", "N", "1", 1.5), ("other", "Y", "1", 0.5))
_SIZES = {"enterprise": (("大型", 5), ("中型", 20), ("小型", 45), ("微型", 30)),
          "individual": (("微型", 1),),
          "coop": (("小型", 3), ("微型", 7)),
          "public": (("中型", 5), ("小型", 5)),
          "social": (("小型", 4), ("微型", 6)),
          "village": (("微型", 1),),
          "other": (("微型", 1),)}
_SIZE_LETTER = {"大型": "L", "中型": "M"}

# ---------------------------------------------------------------------------- catalogue hints

_TYPE_WEIGHTS = {"EMS": 30, "QMS_TRANSPORT": 12, "SERVICE": 10, "ENMS": 8, "ORGANIC": 5,
                 "ENERGY_SAVING": 4, "GREEN_FOOD": 4, "ISO22000": 3, "HACCP": 3,
                 "LOW_CARBON": 2, "WATER_SAVING": 2, "ECO_LABEL": 2.5, "GREEN_PRODUCT": 2.5,
                 "GREEN_BUILDING_MATERIAL": 2, "GAP": 1.5, "GI": 0.6, "REMANUFACTURED": 0.5,
                 "CARBON_FOOTPRINT": 1.5, "GREEN_CONSTRUCTION": 1, "GREEN_PACKAGING": 1,
                 "GREEN_FACTORY": 1, "GREEN_SUPPLY_CHAIN": 0.5, "GREEN_DESIGN": 0.5,
                 "JIANGSU_BOUTIQUE": 1}
_SERVICE_SECTIONS = ("F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S")
_FOOD_DIVISIONS = (13, 15)
# Who holds a type: section letters or GB/T 4754 division ranges ("13-15"), in order of preference.
_TYPE_HOLDERS: dict[str, tuple[str, ...]] = {
    "ORGANIC": ("A", "13-15"), "GAP": ("A",), "GREEN_FOOD": ("A", "13-15"), "GI": ("A", "13-15"),
    "ISO22000": ("13-15", "A", "H"), "HACCP": ("13-15", "H", "A"),
    "ENMS": ("C", "D", "B", "G"),
    "ENERGY_SAVING": ("34-40",), "WATER_SAVING": ("30-30", "33-35", "38-38"),
    "LOW_CARBON": ("30-32", "38-38"), "ECO_LABEL": ("20-23", "26-26", "29-29"),
    "GREEN_PRODUCT": ("17-23", "26-26", "29-30"), "GREEN_BUILDING_MATERIAL": ("30-30", "20-20", "26-26"),
    "REMANUFACTURED": ("34-38",), "CARBON_FOOTPRINT": ("C", "D"),
    "GREEN_PACKAGING": ("22-23", "29-29", "G"), "GREEN_FACTORY": ("C",),
    "GREEN_SUPPLY_CHAIN": ("C", "F", "G"), "GREEN_DESIGN": ("C",), "JIANGSU_BOUTIQUE": ("C",),
    "SERVICE": _SERVICE_SECTIONS, "QMS_TRANSPORT": ("48-48", "E"), "GREEN_CONSTRUCTION": ("E",),
}
_AFFINITY = 0.85
"""Share of a type's certificates that go to the organisations that typically hold it."""

_MS_LETTERS = {"EMS": "E", "ENMS": "En", "QMS_TRANSPORT": "Q", "ISO22000": "F", "HACCP": "H",
               "SERVICE": "SV", "JIANGSU_BOUTIQUE": "JP", "GREEN_CONSTRUCTION": "GC"}
_MANAGEMENT_SYSTEMS = frozenset({"EMS", "ENMS", "QMS_TRANSPORT", "ISO22000", "HACCP"})
_PRODUCT_CODES = {"ENERGY_SAVING": "70", "WATER_SAVING": "71", "LOW_CARBON": "72",
                  "ECO_LABEL": "EL", "GREEN_PRODUCT": "GP", "GREEN_BUILDING_MATERIAL": "JC",
                  "GREEN_PACKAGING": "BZ", "CARBON_FOOTPRINT": "CF"}
_AGRI_CODES = {"ORGANIC": "OP", "GAP": "GAP"}
_LISTING_PREFIXES = {"GREEN_FOOD": "LB", "GI": "DLBZ", "REMANUFACTURED": "ZZZ",
                     "GREEN_FACTORY": "LSGC", "GREEN_SUPPLY_CHAIN": "LSGYL", "GREEN_DESIGN": "LSSJ"}
_ISSUERS: dict[str, tuple[tuple[str, int], ...]] = {
    "GREEN_FOOD": (("中国绿色食品发展中心", 1),),
    "GI": (("国家知识产权局", 1),),
    "REMANUFACTURED": (("工业和信息化部", 1),),
    "GREEN_FACTORY": (("工业和信息化部", 2), ("江苏省工业和信息化厅", 3)),
    "GREEN_SUPPLY_CHAIN": (("工业和信息化部", 2), ("江苏省工业和信息化厅", 1)),
    "GREEN_DESIGN": (("工业和信息化部", 1),),
}
_DEFAULT_ISSUERS = (("江苏省市场监督管理局", 1), ("江苏省工业和信息化厅", 1))
_TYPE_PRODUCTS = {
    "ENERGY_SAVING": ("三相异步电动机", "LED道路照明产品", "房间空气调节器", "电力变压器",
                      "容积式空气压缩机", "工业锅炉", "交流接触器"),
    "WATER_SAVING": ("坐便器", "水嘴", "淋浴器", "节水型洗衣机", "微喷灌设备"),
    "LOW_CARBON": ("通用硅酸盐水泥", "平板玻璃", "铝合金建筑型材", "中小型三相异步电动机"),
    "ECO_LABEL": ("水性涂料", "人造板", "家具", "纸制品", "塑料包装制品"),
    "GREEN_PRODUCT": ("人造板和木质地板", "涂料", "卫生陶瓷", "建筑玻璃", "纺织产品",
                      "塑料制品", "家具", "纸和纸制品"),
    "GREEN_BUILDING_MATERIAL": ("预拌混凝土", "预拌砂浆", "建筑节能玻璃", "保温材料",
                                "防水卷材", "纸面石膏板"),
    "GREEN_PACKAGING": ("瓦楞纸箱", "可降解塑料包装袋", "快递包装袋", "纸塑复合包装"),
    "REMANUFACTURED": ("再制造发动机", "再制造液压件", "再制造电机", "再制造变速箱"),
}
_PLANS = (("valid", 78), ("stale", 5), ("expired", 7), ("suspended", 4), ("revoked", 2),
          ("cancelled", 4))
_LISTING_PLANS = (("valid", 90), ("cancelled", 5), ("stale", 2), ("expired", 3))
_REASONS = {
    "suspended": ("未按期接受监督审核", "获证组织申请暂停", "监督审核发现严重不符合项",
                  "证书超范围使用"),
    "revoked": ("暂停期满未完成整改", "监督抽查产品不合格", "提供虚假材料",
                "获证组织不再符合认证要求"),
    "cancelled": ("获证组织申请注销", "企业停产", "到期前不再换证", "认证范围变更，原证书注销"),
    "listing_cancelled": ("动态调整，移出名单",),
    "expired": ("证书有效期届满",),
}
_MISSED_SURVEILLANCE = "未按期接受监督审核"

_CASE_KINDS = (("双随机抽查", 60), ("专项检查", 25), ("投诉举报", 15))
_FINDINGS = (
    (("未发现问题", "无需处理"), 45),
    (("认证标志使用不规范", "责令限期整改"), 10),
    (("认证证书超出有效期仍在宣传使用", "责令限期整改"), 8),
    (("获证产品与认证证书信息不一致", "通报认证机构，责令整改"), 8),
    (("超范围使用认证证书", "责令停止违法行为，限期整改"), 6),
    (("产品包装虚标“绿色”“有机”等认证标识（虚标）", "立案调查，罚款{n}万元"), 6),
    (("证书被暂停期间仍对外宣传（虚标）", "责令改正，通报认证机构"), 4),
    (("投诉反映的问题经核查不属实", "不予立案"), 5),
)
_BLACKLIST_FINDINGS = ("虚标有机产品认证标志，情节严重", "伪造、冒用绿色产品认证证书（虚标）",
                       "虚标节能产品认证，骗取政府补贴")
_BLACKLIST_ACTION = "立案查处，罚款{n}万元，撤销认证证书，列入严重违法失信名单并实施联合惩戒"
_BLACKLIST_REASON = "虚标绿色认证，列入严重违法失信名单"

# Certification bodies: name, approval number, number head (None: serial), weight, types.
_MS = ("EMS", "ENMS", "QMS_TRANSPORT", "ISO22000", "HACCP", "SERVICE")
_ECO = ("ENERGY_SAVING", "WATER_SAVING", "LOW_CARBON")
_AGRI = ("ORGANIC", "GAP", "ISO22000", "HACCP")
_ANY = "*"
"""Marks a body that also certifies catalogue types this module does not know."""
_BODIES: tuple[tuple[str, str, str | None, float, tuple[str, ...]], ...] = (
    ("中国质量认证中心", "CNCA-R-2002-001", "CQC", 10,
     (*_MS, *_ECO, *_AGRI, "GREEN_PRODUCT", "GREEN_BUILDING_MATERIAL", "GREEN_PACKAGING",
      "CARBON_FOOTPRINT", "GREEN_CONSTRUCTION", "JIANGSU_BOUTIQUE", _ANY)),
    ("方圆标志认证集团有限公司", "CNCA-R-2002-002", None, 6,
     (*_MS, *_ECO, *_AGRI, "GREEN_PRODUCT", "GREEN_BUILDING_MATERIAL", "GREEN_CONSTRUCTION",
      "JIANGSU_BOUTIQUE", _ANY)),
    ("中环联合（北京）认证中心有限公司", "CNCA-R-2002-105", "CEC", 5,
     ("ECO_LABEL", "EMS", "ENMS", "LOW_CARBON", "GREEN_PRODUCT", "CARBON_FOOTPRINT",
      "GREEN_PACKAGING", "SERVICE")),
    ("北京中大华远认证中心", "CNCA-R-2002-013", None, 3, (*_MS, _ANY)),
    ("南京国环有机产品认证中心", "CNCA-R-2002-100", None, 4, ("ORGANIC", "GAP")),
    ("中绿华夏有机产品认证中心", "CNCA-R-2002-101", None, 3, ("ORGANIC", "GAP", "ISO22000")),
    ("北京五洲恒通认证有限公司", "CNCA-R-2003-117", None, 2, _AGRI),
    ("杭州万泰认证有限公司", "CNCA-R-2002-118", None, 2, (*_AGRI, "EMS", "SERVICE")),
    ("北京陆桥质检认证中心有限公司", "CNCA-R-2003-119", None, 1.5, ("ORGANIC", "GAP")),
    ("中食恒信（北京）质量认证中心有限公司", "CNCA-R-2004-129", None, 1.5, _AGRI),
    ("华夏认证中心有限公司", "CNCA-R-2002-015", None, 3, (*_MS, "JIANGSU_BOUTIQUE", _ANY)),
    ("北京世标认证中心有限公司", "CNCA-R-2002-016", None, 3, (*_MS, _ANY)),
    ("兴原认证中心有限公司", "CNCA-R-2002-020", None, 2.5, (*_MS, _ANY)),
    ("中鉴认证有限责任公司", "CNCA-R-2002-022", None, 2, (*_MS, _ANY)),
    ("北京联合智业认证有限公司", "CNCA-R-2003-031", None, 2.5, (*_MS, _ANY)),
    ("中联认证中心（北京）有限公司", "CNCA-R-2002-033", None, 2.5, (*_MS, "CARBON_FOOTPRINT", _ANY)),
    ("上海质量体系审核中心", "CNCA-R-2002-007", None, 2, (*_MS, _ANY)),
    ("上海英格尔认证有限公司", "CNCA-R-2002-041", None, 2, (*_MS, _ANY)),
    ("广州赛宝认证中心服务有限公司", "CNCA-R-2002-044", None, 2, (*_MS, *_ECO)),
    ("中国建材检验认证集团股份有限公司", "CNCA-R-2002-055", "CTC", 3,
     ("GREEN_BUILDING_MATERIAL", "GREEN_PRODUCT", "LOW_CARBON", "EMS", "ENMS",
      "GREEN_CONSTRUCTION", "CARBON_FOOTPRINT")),
    ("中国建筑科学研究院认证中心", "CNCA-R-2003-072", None, 2,
     ("GREEN_BUILDING_MATERIAL", "GREEN_CONSTRUCTION", "WATER_SAVING")),
    ("北京鉴衡认证中心有限公司", "CNCA-R-2003-078", "CGC", 3,
     (*_ECO, "GREEN_PRODUCT", "CARBON_FOOTPRINT")),
    ("中国船级社质量认证有限公司", "CNCA-R-2002-004", "CCSC", 3, (*_MS, _ANY)),
    ("北京东方纵横认证中心有限公司", "CNCA-R-2002-038", None, 1.5, (*_MS, _ANY)),
    ("北京新纪源认证有限公司", "CNCA-R-2002-047", None, 1.5, (*_MS, _ANY)),
    ("中质协质量保证中心", "CNCA-R-2002-003", None, 2.5, (*_MS, _ANY)),
    ("深圳华测国际认证有限公司", "CNCA-R-2003-121", "CTI", 2,
     (*_MS, "CARBON_FOOTPRINT", "GREEN_PACKAGING", _ANY)),
    ("中国检验认证集团质量认证有限公司", "CNCA-R-2002-051", "CCIC", 2, (*_MS, *_AGRI, _ANY)),
    ("必维认证（北京）有限公司", "CNCA-RF-2002-08", "BV", 1.5, (*_MS, "CARBON_FOOTPRINT")),
    ("通标标准技术服务有限公司", "CNCA-RF-2002-01", "SGS", 1.5,
     (*_MS, "CARBON_FOOTPRINT", "HACCP")),
    ("莱茵检测认证服务（中国）有限公司", "CNCA-RF-2003-61", "TUV", 1,
     (*_MS, "CARBON_FOOTPRINT")),
    ("南德认证检测（中国）有限公司", "CNCA-RF-2007-32", "SUD", 1, _MS),
    ("中汽认证中心有限公司", "CNCA-R-2018-1013", "CAC", 1, ("EMS", "ENMS", *_ECO)),
)
BODY_COUNT = 40
_BODY_CITIES = ("江苏", "南京", "苏州", "无锡", "北京", "上海", "山东", "浙江", "深圳")
_BODY_SUFFIXES = ("认证有限公司", "检验认证有限公司", "质量认证中心有限公司", "认证服务有限公司")


# ---------------------------------------------------------------------------- helpers


class _DemoRandom(random.Random):
    """``random.Random`` with quick ``randint``/``randrange``/``choice`` (one ``random()`` each).

    The standard versions draw bits until they are unbiased; a bias below 2⁻⁵⁰ does not matter
    for demo data, and generating a million certificates calls them tens of millions of times.
    """

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            start, stop = 0, start
        return start + step * int(self.random() * ((stop - start + step - 1) // step))

    def choice(self, seq: Sequence[T]) -> T:
        return seq[int(self.random() * len(seq))]


class _Picker:
    """Weighted choice with cumulative weights and one ``random()`` call per pick."""

    __slots__ = ("items", "cum", "total", "last", "rand")

    def __init__(self, rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> None:
        self.items = [item for item, _ in pairs]
        self.cum = list(accumulate(float(w) for _, w in pairs))
        self.total = self.cum[-1]
        self.last = len(self.items) - 1
        self.rand = rng.random

    def __call__(self) -> Any:
        return self.items[bisect_right(self.cum, self.rand() * self.total, 0, self.last)]


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _check_count(value: object, label: str, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise UserError(f"{label}应为整数，当前为“{value}”")
    if value < 1:
        raise UserError(f"{label}至少为1，当前为{value}")
    if value > maximum:
        raise UserError(f"{label}最多为{maximum:,}，当前为{value:,}")
    return value


@dataclass(frozen=True)
class _UnitInfo:
    code: str
    name: str
    towns: tuple[str, ...]
    divisions: _Picker
    address_head: str
    county_like: bool


@dataclass(frozen=True)
class _TypeInfo:
    code: str
    name: str
    kind: str
    validity: int | None
    basis: str


@dataclass(frozen=True)
class _PlannedCase:
    body_id: int | None
    type_code: str
    number: str
    org_id: int
    inspected_on: date
    blacklisted: bool
    with_certificate: bool


# ---------------------------------------------------------------------------- the generator


class _Generator:
    def __init__(self, reg: Register, conn: Connection, *, orgs: int, certs: int, seed: int,
                 units: list[tuple[str, str, str]], today: date,
                 progress: Callable[[int, int], None] | None) -> None:
        self.reg = reg
        self.conn = conn
        self.n_orgs = orgs
        self.n_certs = certs
        self.rng = _DemoRandom(seed)
        self.today = today
        self.today_ord = today.toordinal()
        self.progress = progress
        self.done = 0
        rng = self.rng
        self.units = [self._unit_info(code, name, kind) for code, name, kind in units]
        self.pick_unit = _Picker(rng, [(u, _UNIT_WEIGHTS.get(u.code, 5)) for u in self.units])
        self.sections = {s.code: (s.first_division, s.last_division)
                         for s in reg.reference.sections}
        self.types = [
            _TypeInfo(t.code, t.name, t.kind, t.validity_years, t.basis)
            for t in reg.reference.catalogue
        ]
        if not self.types:
            raise UserError("认证类别目录为空，无法生成演示数据")
        self.n_cases = round(certs * CASE_SHARE)
        self.n_blacklisted = max(1, round(self.n_cases * BLACKLIST_SHARE)) if self.n_cases >= 5 else 0
        self.used_names: set[str] = set()
        self.code_index: dict[str, int] = {}

    # -- progress

    def advance(self, rows: int, total: int) -> None:
        self.done += rows
        if self.progress is not None:
            self.progress(self.done, total)

    def insert_rows(self, table: Any, rows: list[dict[str, Any]], total: int) -> None:
        for chunk in _chunks(rows, CHUNK):
            self.conn.execute(insert(table), list(chunk))
            self.advance(len(chunk), total)

    # -- units and industries

    def _unit_info(self, code: str, name: str, kind: str) -> _UnitInfo:
        divisions = _DIVISIONS.get(code)
        if divisions is None:
            own = code if code.isdigit() and len(code) == 6 else self.reg.reference.city.code
            divisions = ((own, 1),)
        city = self.reg.reference.city.name
        place = name[len(city) - 1:] if name.startswith(city[:-1]) else name
        return _UnitInfo(code, name, _TOWNS.get(code, _DEFAULT_TOWNS),
                         _Picker(self.rng, divisions), city + place,
                         county_like=kind in ("district", "county"))

    def _industries(self, table: tuple[_Industry, ...]) -> _Picker | None:
        """The table's industries whose classes fall in a section of the reference data."""
        kept: list[tuple[_Industry, float]] = []
        for section, verb, weight, variants in table:
            span = self.sections.get(section)
            if span is None:
                continue
            valid = tuple(v for v in variants if span[0] <= int(v[0][:2]) <= span[1])
            if valid:
                kept.append(((section, verb, weight, valid), weight))
        return _Picker(self.rng, kept) if kept else None

    # -- names

    def _stem(self, long: bool = False) -> str:
        rng = self.rng
        while True:
            stem = rng.choice(_STEM_FIRST) + rng.choice(_STEM_SECOND)
            if stem[0] != stem[1] and stem not in _AVOIDED_STEMS:
                break
        return stem + rng.choice(_STEM_SECOND) if long else stem

    def _unique_name(self, make: Callable[[bool], str | None]) -> str | None:
        """A name not used yet; ``make(long)`` builds a candidate (``None``: style exhausted)."""
        for attempt in range(40):
            name = make(attempt >= 10)
            if name is None:
                return None
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        return None

    def _person(self) -> str:
        rng = self.rng
        given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.7 else "")
        return rng.choice(_SURNAMES) + given

    def _phone(self) -> str:
        return self.rng.choice(_MOBILE_PREFIXES) + f"{self.rng.randrange(100_000_000):08d}"

    def _credit_code(self, dept: str, kind: str, division: str, prefixes: tuple[str, ...]) -> str:
        rng = self.rng
        while True:
            prefix = rng.choice(prefixes)
            if prefix == "#":
                body8 = str(rng.choice("1234567")) + f"{rng.randrange(10_000_000):07d}"
            else:
                body8 = prefix + "".join(rng.choices(ALPHABET, k=8 - len(prefix)))
            code = make_code(dept, kind, division, body8)
            if code not in self.code_index:
                return code

    # -- certification bodies

    def bodies(self) -> list[dict[str, Any]]:
        rng = self.rng
        rows = []
        names = {b[0] for b in _BODIES}
        numbers = {b[1] for b in _BODIES}
        self.body_specs: list[tuple[str, str, float, tuple[str, ...]]] = []
        for name, number, head, weight, types in _BODIES[:BODY_COUNT]:
            rows.append({"name": name, "approval_number": number,
                         "notes": f"{NOTE}（批准号仅为示例）" if number not in (
                             "CNCA-R-2002-001", "CNCA-R-2002-105") else NOTE})
            self.body_specs.append((name, head or number.rsplit("-", 1)[1], weight, types))
        while len(rows) < BODY_COUNT:
            name = rng.choice(_BODY_CITIES) + self._stem() + rng.choice(_BODY_SUFFIXES)
            year = rng.randint(2004, 2023)
            serial = f"{rng.randint(1001, 1400)}" if year >= 2017 else f"{rng.randint(130, 399):03d}"
            number = f"CNCA-R-{year}-{serial}"
            if name in names or number in numbers:
                continue
            names.add(name)
            numbers.add(number)
            rows.append({"name": name, "approval_number": number,
                         "notes": f"{NOTE}（机构名称与批准号均为虚构）"})
            self.body_specs.append((name, serial, 1.0, (*_MS, "JIANGSU_BOUTIQUE", _ANY)))
        return rows

    # -- organisations

    def plan_leaders(self) -> dict[int, str]:
        rng = self.rng
        n_lead = min(rng.randint(3, 5), self.n_orgs // 20)
        n_growth = min(20, self.n_orgs // 10)
        chosen = rng.sample(range(self.n_orgs), n_lead + n_growth)
        return {i: (LEAD if k < n_lead else GROWTH) for k, i in enumerate(chosen)}

    def organisations(self, leaders: dict[int, str]) -> Iterator[list[dict[str, Any]]]:
        """Organisation rows in chunks; fills ``org_section``/``org_industry``/``org_size``."""
        rng = self.rng
        pick_profile = _Picker(rng, [(p[:3], p[3]) for p in _PROFILES])
        ent = self._industries(_ENTERPRISE_INDUSTRIES)
        if ent is None:
            raise UserError("参考数据中的行业门类与演示数据的行业不符，无法生成演示数据")
        leader_industries = self._industries(
            tuple(i for i in _ENTERPRISE_INDUSTRIES if i[0] in ("C", "I", "M"))) or ent
        pickers = {"enterprise": ent,
                   "individual": self._industries(_INDIVIDUAL_INDUSTRIES) or ent,
                   "coop": self._industries(_COOP_INDUSTRIES) or ent}
        sizes = {k: _Picker(rng, v) for k, v in _SIZES.items()}
        suffix = _Picker(rng, _ENT_SUFFIXES)
        self.org_section: list[str] = []
        self.org_division: list[int] = []
        self.org_industry: list[tuple[str, ...]] = []
        self.org_size: list[str] = []
        self.org_created: list[datetime] = []
        span_days = SPAN_DAYS + 365
        chunk: list[dict[str, Any]] = []
        for i in range(self.n_orgs):
            unit: _UnitInfo = self.pick_unit()
            leader = leaders.get(i, "")
            profile, dept, kind = ("enterprise", "9", "1") if leader else pick_profile()
            made = self._organisation(profile, dept, kind, unit, leader,
                                      leader_industries if leader else pickers.get(profile, ent),
                                      suffix, sizes)
            if made is None:  # a rare style ran out of names: fall back to an enterprise
                made = self._organisation("enterprise", "9", "1", unit, "", ent, suffix, sizes)
                if made is None:
                    raise UserError("无法生成足够多互不相同的组织名称，请减少组织数量")
            row, section, industry, size = made
            created = self.today_ord - rng.randint(0, span_days)
            created_at = datetime.fromordinal(created) + timedelta(
                seconds=rng.randrange(8 * 3600, 18 * 3600))
            updated = rng.randint(created, self.today_ord)
            updated_at = datetime.fromordinal(updated) + timedelta(
                seconds=rng.randrange(8 * 3600, 18 * 3600))
            if updated_at < created_at:
                updated_at = created_at
            abnormal = not leader and rng.random() < 0.025
            row.update(
                unit_code=unit.code,
                contact=self._person(),
                phone=self._phone(),
                credit_standing=ABNORMAL if abnormal else NORMAL,
                leader_type=leader,
                code_override_note="",
                notes="未按规定公示年度报告，列入经营异常名录" if abnormal else "",
                created_at=created_at,
                updated_at=updated_at,
            )
            self.code_index[row["credit_code"]] = i
            self.org_section.append(section)
            self.org_division.append(int(row["industry_code"][:2]))
            self.org_industry.append(industry)
            self.org_size.append(_SIZE_LETTER.get(size, "S"))
            self.org_created.append(created_at)
            chunk.append(row)
            if len(chunk) >= CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _organisation(self, profile: str, dept: str, kind: str, unit: _UnitInfo, leader: str,
                      industries: _Picker, suffix: _Picker, sizes: dict[str, _Picker],
                      ) -> tuple[dict[str, Any], str, tuple[str, ...], str] | None:
        rng = self.rng
        town = rng.choice(unit.towns)
        division = unit.divisions()
        prefixes: tuple[str, ...] = ("MA",)
        specialised = high_tech = False
        size = sizes[profile]()
        if profile in ("enterprise", "individual", "coop"):
            section, verb, _, variants = industries()
            industry_code, word, products = rng.choice(variants)
            outside = None
            if profile == "enterprise":
                prefixes = ("MA", "MA", "MA", "#", "#")
                if not leader and rng.random() < _OUTSIDE_SHARE:
                    division, outside = rng.choice(_OUTSIDE)
                if leader == LEAD:
                    size = "大型"
                elif leader == GROWTH:
                    size = rng.choice(("中型", "小型", "小型"))
                tech = section in ("C", "I", "M")
                specialised = tech and rng.random() < (0.6 if leader == GROWTH else 0.07)
                high_tech = tech and rng.random() < (0.75 if leader else 0.12)

                def make(long: bool) -> str:
                    stem = self._stem(long)
                    ending = "股份有限公司" if size == "大型" and rng.random() < 0.4 else suffix()
                    if outside is not None:
                        return f"{outside}{stem}{word}{ending}"
                    style = rng.random()
                    if style < 0.55:
                        return f"连云港{stem}{word}{ending}"
                    if style < 0.72:
                        return f"江苏{stem}{word}{ending}"
                    if style < 0.9 and unit.county_like:
                        return f"{unit.name}{stem}{word}{ending}"
                    return f"{stem}（连云港）{word}{ending}"
            elif profile == "individual":
                def make(long: bool) -> str:
                    return f"{unit.name}{town}{self._stem(long)}{word}"
            else:
                crop = products[0]

                def make(long: bool) -> str:
                    if rng.random() < 0.6:
                        return f"{unit.name}{town}{self._stem(long)}{crop}{word}专业合作社"
                    return f"{unit.name}{self._stem(long)}{crop}农民专业合作社"
            name = self._unique_name(make)
            industry = (products, verb)
        else:
            name, section, industry_code, industry, prefixes = self._institution(
                profile, unit, town)
            if name is None:
                return None
            if profile == "social" and name.endswith(("协会", "商会")):
                kind = "1"
        if name is None:
            return None
        if section not in self.sections:
            return None
        code = self._credit_code(dept, kind, division, prefixes)
        row = {"credit_code": code, "name": name,
               "address": f"{unit.address_head}{town}{rng.choice(_ROADS)}{rng.randint(1, 888)}号",
               "industry_section": section, "industry_code": industry_code, "size": size,
               "specialised": specialised, "high_tech": high_tech}
        return row, section, (*industry[0], industry[1]), size

    def _institution(self, profile: str, unit: _UnitInfo, town: str,
                     ) -> tuple[str | None, str, str, tuple[tuple[str, ...], str], tuple[str, ...]]:
        rng = self.rng
        street = town.endswith("街道")
        if profile == "public":
            choice = rng.random()
            if choice < 0.4:
                section, code, what = "Q", rng.choice(("8411", "8412", "8423")), ("医疗服务",)

                def make(long: bool) -> str:
                    if long or rng.random() < 0.3:
                        return f"{unit.name}第{rng.choice(_ORDINALS)}人民医院"
                    return f"{unit.name}{town}{'社区卫生服务中心' if street else '中心卫生院'}"
            elif choice < 0.85:
                section, code, what = "P", rng.choice(("8310", "8321", "8331")), ("教育培训服务",)

                def make(long: bool) -> str:
                    kind = rng.choice(("中心小学", "初级中学", "中心幼儿园", "实验小学"))
                    if long:
                        return f"{unit.name}第{rng.choice(_ORDINALS)}中学"
                    return f"{unit.name}{town}{kind}"
            else:
                section, code, what = "M", "7452", ("检验检测服务",)

                def make(long: bool) -> str:
                    topic = rng.choice(("产品质量", "农产品质量", "计量", "纤维", "特种设备"))
                    return f"{unit.name}{topic}检验检测中心"
            return self._unique_name(make), section, code, (what, ""), ("MB", "#")
        if profile == "social":
            if rng.random() < 0.35:
                topic = rng.choice(("水晶", "紫菜", "物流", "建筑业", "食品工业", "新材料",
                                    "环保产业", "认证认可", "质量", "节能"))
                section, code, what = "S", "9522", ("行业服务",)

                def make(long: bool) -> str | None:
                    return None if long else f"连云港市{topic}{rng.choice(('协会', '商会'))}"
            else:
                section, code, kind, what = rng.choice((
                    ("Q", "8514", "养老服务中心", ("养老服务",)),
                    ("Q", "8415", "康复医院", ("医疗服务",)),
                    ("P", "8391", "职业培训学校", ("教育培训服务",)),
                    ("P", "8310", "幼儿园", ("教育培训服务",)),
                ))

                def make(long: bool) -> str:
                    return f"连云港{self._stem(long)}{kind}"
            return self._unique_name(make), section, code, (what, ""), ("MJ",)
        if profile == "village":
            rural = [t for t in unit.towns if t.endswith(("镇", "乡"))]
            place = rng.choice(rural) if rural else town

            def make(long: bool) -> str:
                return f"{unit.name}{place}{self._stem(long)}村股份经济合作社"
            return self._unique_name(make), "A", "0141", (("蔬菜", "水稻"), "的种植"), ("MF",)

        def make_other(long: bool) -> str:
            return f"{unit.name}{town}{self._stem(long)}农机服务站"
        return self._unique_name(make_other), "A", "0512", (("农机作业",), "服务"), ("MC",)

    # -- certificates

    def _holds(self, spec: str, section: str, division: int) -> bool:
        if "-" in spec:
            low, high = spec.split("-")
            return int(low) <= division <= int(high)
        return spec == section

    def _type_pickers(self) -> None:
        rng = self.rng
        weights = [(t, _TYPE_WEIGHTS.get(t.code, 1.0)) for t in self.types]
        self.pick_type = _Picker(rng, weights)
        groups: dict[tuple[str, int], list[int]] = {}
        for i, key in enumerate(zip(self.org_section, self.org_division, strict=True)):
            groups.setdefault(key, []).append(i)
        self.group_types: dict[tuple[str, int], _Picker] = {}
        for section, division in groups:
            fit = [(t, w) for t, w in weights if t.code not in _TYPE_HOLDERS or any(
                self._holds(spec, section, division) for spec in _TYPE_HOLDERS[t.code])]
            self.group_types[section, division] = _Picker(rng, fit) if fit else self.pick_type
        self.type_pools: dict[str, list[int]] = {}
        for t in self.types:
            specs = _TYPE_HOLDERS.get(t.code)
            if specs is None:
                continue
            pool: list[int] = []
            for spec in specs:
                for (section, division), members in groups.items():
                    if self._holds(spec, section, division):
                        pool.extend(members)
            if pool:
                self.type_pools[t.code] = list(dict.fromkeys(pool))
        # bodies per type
        self.type_bodies: dict[str, _Picker] = {}
        general = [(k, w) for k, (_, _, w, types) in enumerate(self.body_specs) if _ANY in types]
        known = set(_TYPE_WEIGHTS)
        for t in self.types:
            if t.kind != "certificate":
                continue
            fit = [(k, w) for k, (_, _, w, types) in enumerate(self.body_specs)
                   if t.code in types or (_ANY in types and t.code not in known)]
            self.type_bodies[t.code] = _Picker(rng, fit or general)

    def _pick_org(self, code: str) -> int:
        rng = self.rng
        pool = self.type_pools.get(code)
        if pool is not None and rng.random() < _AFFINITY:
            return pool[int(len(pool) * rng.random() ** 1.4)]
        return int(self.n_orgs * rng.random() ** 1.4)

    def certificates(self, org_ids: list[int], body_ids: list[int], leaders: dict[int, str],
                     ) -> Iterator[list[dict[str, Any]]]:
        rng = self.rng
        rand = rng.random
        randint = rng.randint
        choice = rng.choice
        today_ord = self.today_ord
        fromordinal = date.fromordinal
        dt_fromordinal = datetime.fromordinal
        org_created = self.org_created
        self._type_pickers()
        pick_plan = _Picker(rng, _PLANS)
        pick_listing_plan = _Picker(rng, _LISTING_PLANS)
        issuers = {code: _Picker(rng, pairs) for code, pairs in _ISSUERS.items()}
        default_issuer = _Picker(rng, _DEFAULT_ISSUERS)
        heads = [spec[1] for spec in self.body_specs]
        body_seq = [0] * len(self.body_specs)
        listing_seq: dict[str, int] = {}
        n_cover_types = len(self.types) if self.n_certs >= len(self.types) else 0
        n_cover_orgs = min(self.n_orgs, self.n_certs - n_cover_types)
        case_index = set(rng.sample(range(self.n_certs), self.n_cases))
        cases_left = self.n_cases
        black_left = self.n_blacklisted
        self.planned_cases: list[_PlannedCase] = []
        chunk: list[dict[str, Any]] = []
        for i in range(self.n_certs):
            if i < n_cover_types:
                t = self.types[i]
                org = self._pick_org(t.code)
            elif i < n_cover_types + n_cover_orgs:
                org = i - n_cover_types
                t = self.group_types[self.org_section[org], self.org_division[org]]()
            else:
                t = self.pick_type()
                org = self._pick_org(t.code)
            listing = t.kind == "listing"
            is_case = i in case_index
            black = False
            if is_case:
                if (black_left and not listing and org not in leaders
                        and rand() * cases_left < black_left):
                    black = True
                    black_left -= 1
                cases_left -= 1
            # dates and status
            vy = t.validity or (None if listing else DEFAULT_VALIDITY)
            plan = "black" if black else (pick_listing_plan() if listing else pick_plan())
            if plan in ("stale", "expired") and (vy is None or 366 * vy + 1 > SPAN_DAYS):
                plan = "valid"
            if plan in ("valid", "suspended", "black"):
                offset = randint(0, min(365 * vy - 1, SPAN_DAYS) if vy else SPAN_DAYS)
            elif plan in ("revoked", "cancelled"):
                offset = randint(0, SPAN_DAYS)
            else:
                offset = randint(366 * (vy or 1) + 1, SPAN_DAYS)
            issue_ord = today_ord - offset
            issue = fromordinal(issue_ord)
            expiry = default_expiry(issue, vy) if vy else None
            expiry_ord = expiry.toordinal() if expiry else today_ord + 36500
            status = CertStatus.VALID.value
            status_ord: int | None = None
            reason = ""
            case_ord = randint(max(issue_ord, today_ord - CASE_SPAN_DAYS), today_ord) if is_case else 0
            if plan == "expired":
                status, status_ord = CertStatus.EXPIRED.value, expiry_ord + 1
                reason = _REASONS["expired"][0]
            elif plan == "suspended":
                status = CertStatus.SUSPENDED.value
                status_ord = randint(max(issue_ord, today_ord - 180), today_ord)
                reason = choice(_REASONS["suspended"])
            elif plan in ("revoked", "cancelled"):
                status = (CertStatus.REVOKED if plan == "revoked" else CertStatus.CANCELLED).value
                status_ord = randint(issue_ord, min(expiry_ord, today_ord))
                reason = choice(_REASONS["listing_cancelled" if listing else plan])
            elif plan == "black":
                status = CertStatus.REVOKED.value
                status_ord = min(case_ord + randint(3, 30), today_ord)
                reason = _BLACKLIST_REASON
            # surveillance and recertification
            surveillance = 0
            last_ord: int | None = None
            recert = 0
            first_ord = issue_ord
            if not listing and vy:
                if vy >= 2:
                    end = min(status_ord or today_ord, expiry_ord, today_ord)
                    elapsed = end - issue_ord
                    k = min(elapsed // 365, vy - 1)
                    missed = k >= 1 and (
                        (plan == "valid" and t.code in _MANAGEMENT_SYSTEMS and rand() < 0.07)
                        or (plan == "suspended" and reason == _MISSED_SURVEILLANCE))
                    if missed:
                        k -= 1
                    if k >= 1:
                        rest = elapsed - k * 365
                        gap = randint(1, 60) if missed else randint(0, max(0, min(60, 364 - rest)))
                        last_ord = issue_ord + k * 365 - gap
                    surveillance = k
                recert = int(rand() ** 2.5 * (16 // vy))
                if recert:
                    first_ord = issue_ord - recert * 365 * vy - randint(0, 20)
            # number, body, description
            size = self.org_size[org]
            yy = issue.year % 100
            if listing:
                seq = listing_seq.get(t.code, 0) + 1
                listing_seq[t.code] = seq
                prefix = _LISTING_PREFIXES.get(t.code, t.code[:4])
                number = f"{prefix}-{issue.year}-{seq:04d}"
                body_id = None
                pick_issuer = issuers.get(t.code)
                issuer = pick_issuer() if pick_issuer else default_issuer()
                batch_year: int | None = issue.year
            else:
                body = self.type_bodies[t.code]()
                body_seq[body] += 1 + (rand() < 0.3)
                seq = body_seq[body]
                head = heads[body]
                body_id = body_ids[body]
                issuer = ""
                batch_year = None
                if t.code in _PRODUCT_CODES:
                    number = f"{head}{yy:02d}{_PRODUCT_CODES[t.code]}{seq:06d}"
                elif t.code in _AGRI_CODES:
                    number = f"{head}{_AGRI_CODES[t.code]}{yy:02d}{seq:05d}"
                else:
                    letter = _MS_LETTERS.get(t.code, "X")
                    number = f"{head}{yy:02d}{letter}{seq:04d}R{recert}{size}"
                    if rand() < 0.02:
                        number += "/3207"
            scope, products = self._describe(t, org, issuer)
            # entered into the register after issue, never before its organisation
            created_ord = min(issue_ord + randint(0, 20), today_ord)
            created_at = max(dt_fromordinal(created_ord)
                             + timedelta(seconds=randint(28_800, 64_800)), org_created[org])
            created_ord = created_at.toordinal()
            touched = max(created_ord, status_ord or 0, last_ord or 0)
            updated_at = (created_at if touched == created_ord else
                          dt_fromordinal(touched) + timedelta(seconds=randint(28_800, 64_800)))
            chunk.append({
                "number": number,
                "org_id": org_ids[org],
                "type_code": t.code,
                "body_id": body_id,
                "status": status,
                "issue_date": issue,
                "expiry_date": expiry,
                "first_issue_date": fromordinal(first_ord),
                "status_date": fromordinal(status_ord) if status_ord else None,
                "status_reason": reason,
                "last_surveillance_date": fromordinal(last_ord) if last_ord else None,
                "surveillance_count": surveillance,
                "recert_count": recert,
                "basis": t.basis,
                "scope": scope,
                "products": products,
                "batch_year": batch_year,
                "issuer": issuer,
                "notes": "",
                "created_at": created_at,
                "updated_at": updated_at,
            })
            if is_case:
                self.planned_cases.append(_PlannedCase(
                    body_id, t.code, number, org_ids[org], fromordinal(case_ord), black,
                    with_certificate=black or rand() < 0.9))
            if len(chunk) >= CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _describe(self, t: _TypeInfo, org: int, issuer: str) -> tuple[str, str]:
        """Scope and products text in Chinese for a certificate of type ``t``."""
        rng = self.rng
        industry = self.org_industry[org]
        own_products, verb = industry[:-1], industry[-1]
        code = t.code
        section = self.org_section[org]
        if code in _TYPE_PRODUCTS:
            product = rng.choice(_TYPE_PRODUCTS[code])
            model = f"{rng.choice('ABCDEFGHJKLMNPRSTWXY')}{rng.choice('ABCDEFGHJKLMNPRSTWXY')}-{rng.randint(10, 999)}"
            return f"{t.name}：{product}", f"{product}（型号：{model}）"
        division = self.org_division[org]
        food = section == "A" or _FOOD_DIVISIONS[0] <= division <= _FOOD_DIVISIONS[1]
        if code in ("ORGANIC", "GAP", "GREEN_FOOD", "GI"):
            crop = rng.choice(own_products) if food else rng.choice(_CROPS)
            if code == "ORGANIC":
                if section == "A":
                    return f"有机{crop}（种植）", f"{crop}（{rng.randint(5, 200) * 10}亩）"
                return f"有机{crop}（加工）", f"{crop}（{rng.randint(1, 300) * 10}吨）"
            if code == "GAP":
                return f"{crop}的种植", crop
            if code == "GREEN_FOOD":
                return f"绿色食品：{crop}", f"{crop}（年产{rng.randint(1, 500) * 10}吨）"
            return "地理标志保护产品", f"{rng.choice(_GI_PLACES)}{crop}"
        if code in ("GREEN_FACTORY", "GREEN_SUPPLY_CHAIN"):
            level = "国家级" if issuer.startswith("工业和信息化部") else "省级"
            what = "绿色工厂" if code == "GREEN_FACTORY" else "绿色供应链管理企业"
            return f"{level}{what}（第{rng.randint(1, 8)}批）", ""
        first = rng.choice(own_products)
        if len(own_products) > 1 and rng.random() < 0.4:
            activity = "、".join(own_products) + verb
        else:
            activity = first + verb
        if code == "EMS":
            return f"{activity}及相关环境管理活动", ""
        if code == "ENMS":
            return f"{activity}所涉及的能源管理活动", ""
        if code == "QMS_TRANSPORT":
            if section == "E":
                return f"资质范围内{activity}（交通建设工程）", ""
            if verb.startswith("的") and section != "A":
                return f"交通建设工程用{own_products[0]}{verb}", ""
            return f"交通建设工程{activity}", ""
        if code in ("ISO22000", "HACCP"):
            system = "食品安全管理体系" if code == "ISO22000" else "HACCP体系"
            if section == "H":
                return f"{activity}（{system}）", ""
            item = rng.choice(own_products) if food else rng.choice(_CROPS)
            return f"{item}的{'种植' if section == 'A' else '生产'}（{system}）", ""
        if code == "SERVICE":
            if section in _SERVICE_SECTIONS:
                service = activity if activity.endswith("服务") else activity + "服务"
            else:
                service = f"{own_products[0]}的售后服务"
            level = rng.choice(("五星级", "五星级", "四星级", "绿色服务"))
            return f"{service}（{level}）", ""
        if code == "GREEN_CONSTRUCTION":
            return f"连云港市{rng.choice(_ROADS)}改造工程绿色施工", ""
        if code in ("CARBON_FOOTPRINT", "GREEN_DESIGN", "JIANGSU_BOUTIQUE"):
            product = rng.choice(own_products)
            return f"{t.name}：{product}", product
        return f"{t.name}：{activity}", ""

    # -- cases and subsidies

    def case_rows(self, cert_ids: dict[tuple[int | None, str, str], int],
                  ) -> tuple[list[dict[str, Any]], dict[int, date]]:
        rng = self.rng
        pick_kind = _Picker(rng, _CASE_KINDS)
        pick_finding = _Picker(rng, _FINDINGS)
        rows = []
        blacklisted: dict[int, date] = {}
        for case in self.planned_cases:
            if case.blacklisted:
                finding = rng.choice(_BLACKLIST_FINDINGS)
                action = _BLACKLIST_ACTION.format(n=rng.randint(5, 50))
                kind = rng.choice(("专项检查", "投诉举报"))
                previous = blacklisted.get(case.org_id)
                if previous is None or case.inspected_on > previous:
                    blacklisted[case.org_id] = case.inspected_on
            else:
                finding, action = pick_finding()
                action = action.format(n=rng.randint(1, 10))
                kind = pick_kind()
            key = (case.body_id, case.type_code, case.number)
            rows.append({
                "inspected_on": case.inspected_on,
                "org_id": case.org_id,
                "certificate_id": cert_ids[key] if case.with_certificate else None,
                "kind": kind,
                "finding": finding,
                "action": action,
                "blacklisted": case.blacklisted,
                "notes": "",
            })
        rows.sort(key=lambda r: r["inspected_on"])
        return rows, blacklisted

    def plan_subsidies(self) -> list[tuple[int, str, int, tuple[int, int], str, str, date]]:
        """Per year: 3–5 引领单位 (50,000–100,000 yuan), a few 领跑者 and other awards."""
        rng = self.rng
        plan = []
        for year in range(self.today.year - 2, self.today.year + 1):
            first = date(year, 1, 1).toordinal()
            last = max(first, min(date(year, 12, 31).toordinal(), self.today_ord))
            for category, count, amounts, doc_head, note in (
                    ("引领单位", rng.randint(3, 5), (5, 10), "连市监", "绿色认证引领单位奖补"),
                    ("领跑者", rng.randint(1, 3), (2, 5), "连政办发", "绿色认证领跑者培育奖励"),
                    ("其他", rng.randint(0, 2), (1, 3), "连财企", "绿色工厂创建奖补")):
                count = min(count, self.n_orgs)
                if count:
                    doc = f"{doc_head}〔{year}〕{rng.randint(5, 160)}号"
                    on = date.fromordinal(rng.randint(first, last))
                    plan.append((year, category, count, amounts, doc, note, on))
        return plan

    def subsidy_rows(self, plan: list[tuple[int, str, int, tuple[int, int], str, str, date]],
                     org_ids: list[int], leaders: dict[int, str],
                     blacklisted: Collection[int]) -> list[dict[str, Any]]:
        """Subsidies for leaders first, then large and medium firms; never a blacklisted one."""
        rng = self.rng
        leader_list = list(leaders)
        large = [i for i in range(self.n_orgs) if self.org_size[i] in ("L", "M")
                 and i not in leaders][:2000]
        ranked = list(dict.fromkeys(leader_list + large + list(range(min(self.n_orgs, 2000)))))
        honest = [i for i in ranked if org_ids[i] not in blacklisted]
        if len(honest) >= max((entry[2] for entry in plan), default=0):
            ranked = honest
            leader_list = [i for i in leader_list if org_ids[i] not in blacklisted]
        rows: list[dict[str, Any]] = []
        for year, category, count, (low, high), doc, note, on in plan:
            preferred = len(leader_list) if category != "其他" else len(ranked)
            pool = ranked[:max(count, preferred)]
            for org in rng.sample(pool, count):
                if category == "引领单位":  # 50,000–100,000 yuan
                    yuan = rng.choice((50_000, 60_000, 80_000, 100_000))
                else:
                    yuan = rng.randint(low, high) * 10_000
                rows.append({"year": year, "org_id": org_ids[org], "category": category,
                             "amount_fen": yuan * 100, "doc_number": doc, "granted_on": on,
                             "notes": note})
        return rows


# ---------------------------------------------------------------------------- entry point


def _resolve_units(reg: Register, conn: Connection, units: Sequence[str] | None,
                   ) -> list[tuple[str, str, str]]:
    city = reg.reference.city.code
    rows = conn.execute(select(Unit.code, Unit.name, Unit.active, Unit.kind)
                        .order_by(Unit.sort, Unit.code)).all()
    known = {code: (name, active, kind) for code, name, active, kind in rows
             if code != city and kind != "city"}
    if units is None:
        chosen = [(code, name, kind) for code, (name, active, kind) in known.items() if active]
        if not chosen:
            raise UserError("区划表中没有启用的报送单位，无法生成演示数据")
        return chosen
    if isinstance(units, str):
        units = [units]
    chosen = []
    for raw in dict.fromkeys(str(u).strip().upper() for u in units):
        if raw not in known:
            raise UserError(f"未知的报送单位代码：“{raw}”")
        name, active, kind = known[raw]
        if not active:
            raise UserError(f"报送单位“{raw} {name}”已停用，不能生成演示数据")
        chosen.append((raw, name, kind))
    if not chosen:
        raise UserError("请至少选择一个报送单位")
    return chosen


def _refuse_non_empty(conn: Connection) -> None:
    for model, label in ((Organisation, "获证组织"), (CertBody, "认证机构"),
                         (Certificate, "证书"), (Subsidy, "奖补记录"),
                         (SupervisionCase, "监督检查记录")):
        if conn.execute(select(func.count()).select_from(model)).scalar():
            raise UserError(f"登记簿中已有{label}，演示数据只能生成到空的登记簿中"
                            "（请另建一个数据文件夹）")


def generate_demo(reg: Register, *, orgs: int | None = None, certs: int = 2000, seed: int = 1,
                  units: Sequence[str] | None = None,
                  progress: Callable[[int, int], None] | None = None,
                  today: date | None = None) -> DemoSummary:
    """Fill an empty register with a realistic demo data set and one audit row.

    ``orgs`` defaults to about a third of ``certs``; ``units=None`` spreads the organisations
    over every active reporting unit. ``progress(done, total)`` is called after each chunk of
    rows. Same seed, parameters and ``today`` → identical rows.
    """
    started = time.perf_counter()
    certs = _check_count(certs, "证书数量", MAX_CERTS)
    orgs = _check_count(max(1, round(certs / 3)) if orgs is None else orgs, "组织数量", MAX_ORGS)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise UserError(f"随机种子应为整数，当前为“{seed}”")
    today = today or date.today()
    org_table = Organisation.__table__
    with reg.db.engine.begin() as conn:
        chosen_units = _resolve_units(reg, conn, units)
        _refuse_non_empty(conn)
        gen = _Generator(reg, conn, orgs=orgs, certs=certs, seed=seed, units=chosen_units,
                         today=today, progress=progress)
        leaders = gen.plan_leaders()
        subsidy_plan = gen.plan_subsidies()
        body_rows = gen.bodies()
        total = (len(body_rows) + orgs + certs + gen.n_cases
                 + sum(entry[2] for entry in subsidy_plan))
        gen.insert_rows(CertBody.__table__, body_rows, total)
        body_by_name = dict(conn.execute(select(CertBody.name, CertBody.id)).tuples().all())
        body_ids = [body_by_name[row["name"]] for row in body_rows]

        for chunk in gen.organisations(leaders):
            conn.execute(insert(org_table), chunk)
            gen.advance(len(chunk), total)
        org_ids = [0] * orgs
        for org_id, code in conn.execute(select(Organisation.id, Organisation.credit_code)):
            org_ids[gen.code_index[code]] = org_id

        for chunk in gen.certificates(org_ids, body_ids, leaders):
            conn.execute(insert(Certificate.__table__), chunk)
            gen.advance(len(chunk), total)

        created_by_id = {org_ids[i]: at for i, at in enumerate(gen.org_created)}
        cert_ids = _certificate_ids(conn, gen.planned_cases)
        case_rows, blacklisted = gen.case_rows(cert_ids)
        subsidy_rows = gen.subsidy_rows(subsidy_plan, org_ids, leaders, set(blacklisted))
        gen.insert_rows(SupervisionCase.__table__, case_rows, total)
        if blacklisted:
            conn.execute(
                update(org_table).where(org_table.c.id == bindparam("b_id")).values(
                    credit_standing=BLACKLIST, leader_type="",
                    updated_at=bindparam("b_at")),
                [{"b_id": org_id, "b_at": max(created_by_id[org_id], datetime.combine(
                    on, datetime.min.time()) + timedelta(hours=16))}
                 for org_id, on in sorted(blacklisted.items())])
        gen.insert_rows(Subsidy.__table__, subsidy_rows, total)

        counts = {"organisations": orgs, "bodies": len(body_rows), "certificates": certs,
                  "subsidies": len(subsidy_rows), "cases": len(case_rows)}
        with Session(bind=conn) as session:
            audit.record(
                session, reg.operator, action="demo", entity="register", entity_id=None,
                key=f"seed={seed}", name="演示数据",
                changes={**{k: [None, v] for k, v in counts.items()},
                         "blacklisted": [None, len(blacklisted)],
                         "units": [None, ",".join(u[0] for u in chosen_units)],
                         "seed": [None, seed], "today": [None, today.isoformat()]},
                note=f"生成演示数据：{orgs}个组织、{certs}张证书（随机种子 {seed}）")
            session.commit()
    return DemoSummary(seconds=time.perf_counter() - started, **counts)


def _certificate_ids(conn: Connection, cases: list[_PlannedCase],
                     ) -> dict[tuple[int | None, str, str], int]:
    """Ids of the certificates the planned cases refer to, by (body, type, number)."""
    wanted = {(c.body_id, c.type_code, c.number) for c in cases if c.with_certificate}
    numbers = sorted({key[2] for key in wanted})
    table = Certificate.__table__
    found: dict[tuple[int | None, str, str], int] = {}
    for batch in _chunks(numbers, 500):
        query = select(table.c.id, table.c.body_id, table.c.type_code, table.c.number).where(
            table.c.number.in_(list(batch)))
        for cert_id, body_id, type_code, number in conn.execute(query):
            key = (body_id, type_code, number)
            if key in wanted:
                found[key] = cert_id
    return found
