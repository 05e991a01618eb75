"""The demo's outbound delegations of 江海市, one row per delegation (loaded by demo.py).

`start` is the day the delegation leaves China, counted from the day the demo is loaded, so the
demo always shows the last three years and the coming months. Stops are (country, city, nights);
the dates follow from them (demo.py). `state` is where the delegation ends up; the steps that lead
there are taken through the workflow by the people whose job they are.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Trip:
    unit: str
    state: str
    start: int
    kind: str
    title: str
    purpose: str
    inviter: str
    stops: tuple
    objectives: tuple
    size: int = 3
    interpreter: bool = True
    invitation: str = "counterpart"
    host: tuple = ()
    # A reason given when the delegation was sent back (returned), refused, withdrawn or cancelled.
    reason: str = ""
    returned_by: str = "review"  # who sent a `returned` delegation back: "head" or "review"
    returned_once: str = ""  # an earlier return (退件) that was corrected and resubmitted
    at_step: str = "review"  # where a head_signed delegation waits: "review" or "approve"
    lead: int = 0  # days between drafting and leaving China; 0: 80–115
    justify: dict = field(default_factory=dict)  # rule → the written justification of a warning
    over_budget: bool = False  # lodging claimed above the standard (justified)
    late: str = ""  # an overdue item after the return: "report" or "passport"
    late_return: str = ""  # came home a day later than approved, and why (a deviation)
    academic: bool = False
    grade: str = "良好"


T = Trip
TRIPS = [
    # 市商务局 and its subunits: the demo liaison's unit, so every state is here.
    T("SWJ", "draft", 110, "visit", "赴德国、荷兰、比利时、法国开展经贸合作交流",
      "落实与欧洲重点城市的经贸合作备忘录，推动跨境电商和冷链物流项目。", "汉堡经济促进局",
      (("DE", "汉堡", 2), ("NL", "鹿特丹", 2), ("BE", "布鲁塞尔", 1), ("FR", "巴黎", 2)),
      ("与汉堡经济促进局商谈跨境电商合作", "考察鹿特丹冷链物流园区", "拜会欧盟中国商会")),
    T("SWJ-TC", "submitted", 95, "investment", "赴巴西、智利参加投资促进活动",
      "举办江海市投资环境推介会，对接新能源和农产品加工项目。", "圣保罗州投资促进局",
      (("BR", "圣保罗", 3), ("CL", "圣地亚哥", 3)),
      ("在圣保罗举办江海市投资推介会", "对接智利锂资源加工合作项目", "走访在巴中资企业"),
      size=4),
    T("SWJ", "head_signed", 80, "visit", "赴肯尼亚、埃塞俄比亚考察援外项目",
      "实地考察我市承建的援外农业示范中心和职业培训项目运行情况。", "肯尼亚农业部",
      (("KE", "内罗毕", 3), ("ET", "亚的斯亚贝巴", 3)),
      ("考察援肯尼亚农业技术示范中心", "检查援埃塞俄比亚职业培训项目", "与当地政府商谈后续合作"),
      size=4),
    T("SWJ", "returned", 70, "visit", "赴越南、泰国开展经贸对接",
      "推动我市纺织、电子企业与东盟产业链对接。", "越南工贸部",
      (("VN", "胡志明市", 3), ("TH", "曼谷", 3)),
      ("举办江海—东盟产业链对接会", "走访在越投资的我市企业"),
      reason="日程第4天仅写“商务活动”，请补充会见对象和具体内容后重新报送。"),
    T("SWJ", "approved", 40, "visit", "赴日本、韩国开展经贸交流",
      "巩固与大阪、釜山的经贸合作，邀请客商参加江海进口博览会。", "大阪商工会议所",
      (("JP", "大阪", 2), ("KR", "釜山", 2)),
      ("拜会大阪商工会议所", "邀请韩国企业参加江海进口博览会", "考察釜山新港自贸区"),
      returned_once="邀请函未附中文译本，请补齐后重新报送。", over_budget=True,
      justify={"budget_standard":
               "出访期间适逢大阪国际博览会，协议酒店价格上涨，已取得三家报价比选。"}),
    T("SWJ", "rejected", 30, "conference", "赴法国参加巴黎国际食品展",
      "组织我市食品企业参展，拓展欧洲市场。", "法国高美爱博展览集团",
      (("FR", "巴黎", 3),), ("带领企业参展", "与法国进口商洽谈"), size=2, interpreter=False,
      reason="该展会已列入市贸促会组团计划，不宜重复派团；请与市贸促会合并组团。"),
    T("SWJ-WM", "withdrawn", 60, "visit", "赴波兰、捷克开展外贸促进活动",
      "推动机电产品出口和海外仓建设。", "波兰投资贸易局",
      (("PL", "华沙", 3), ("CZ", "布拉格", 2)), ("考察华沙海外仓", "出席中捷贸易洽谈会"),
      reason="外方通知洽谈会延期至明年举行，撤回申请。"),
    T("SWJ", "cancelled", 25, "conference", "赴墨西哥参加中国品牌商品展",
      "组织我市企业参展，开拓拉美市场。", "墨西哥经济部",
      (("MX", "墨西哥城", 3),), ("组织企业参展", "拜会墨西哥经济部"), size=3,
      reason="主办方通知展会推迟至明年举行，取消本次出访。"),
    T("SWJ", "abroad", -3, "visit", "赴新加坡、马来西亚开展经贸交流",
      "推动我市企业利用新加坡总部经济拓展东盟市场。", "新加坡企业发展局",
      (("SG", "新加坡", 2), ("MY", "吉隆坡", 3)),
      ("拜会新加坡企业发展局", "出席江海—马来西亚企业对接会", "考察马来西亚皇京港项目")),
    T("SWJ", "returned_home", -45, "conference", "赴匈牙利参加中国—中东欧国家博览会",
      "推介我市与中东欧国家经贸合作平台。", "匈牙利外交与对外经济部",
      (("HU", "布达佩斯", 3),), ("出席博览会开幕式", "举办江海市专场推介会"), late="report"),
    T("SWJ-TC", "returned_home", -20, "investment", "赴韩国参加首尔国际投资促进活动",
      "推介我市滨海新区和先进制造业项目。", "韩国大韩贸易投资振兴公社",
      (("KR", "首尔", 3),), ("举办投资推介会", "拜访三家韩国半导体企业"), late="passport"),
    T("SWJ", "report_filed", -120, "visit", "赴澳大利亚、新西兰开展农产品贸易促进",
      "扩大优质农产品和食品进口合作。", "新南威尔士州投资贸易局",
      (("AU", "悉尼", 3), ("NZ", "奥克兰", 3)), ("拜会新州投资贸易局", "考察奥克兰乳制品企业")),
    T("SWJ", "evaluated", -300, "visit", "赴南非、埃及考察境外经贸合作区",
      "了解境外经贸合作区建设运营经验，服务我市企业“走出去”。", "南非贸工部",
      (("ZA", "约翰内斯堡", 3), ("EG", "开罗", 3)),
      ("考察南非工业园区", "考察中埃·泰达苏伊士经贸合作区"), size=4),
    T("SWJ", "archived", -700, "investment", "赴意大利、西班牙开展投资促进",
      "推介江海市营商环境，吸引欧洲企业投资。", "意大利对外贸易委员会",
      (("IT", "米兰", 3), ("ES", "巴塞罗那", 3)),
      ("举办米兰投资推介会", "走访西班牙汽车零部件企业"),
      grade="优秀"),
    T("SWJ", "archived", -1000, "visit", "赴日本开展经贸交流",
      "推动与名古屋在汽车零部件领域的合作。", "名古屋商工会议所",
      (("JP", "名古屋", 4),), ("拜会名古屋商工会议所", "考察丰田供应链企业"), interpreter=False),
    # 江海港务集团 (a state enterprise under 市国资委).
    T("GWJT", "approved", 35, "visit", "赴德国、荷兰开展港口合作交流",
      "深化与汉堡港、鹿特丹港的友好港合作，推进集装箱航线和智慧港口项目。", "汉堡港务局",
      (("DE", "汉堡", 3), ("NL", "鹿特丹", 2)),
      ("与汉堡港务局续签友好港协议", "考察鹿特丹港自动化码头", "洽谈江海—鹿特丹集装箱航线")),
    T("GWJT", "evaluated", -400, "training", "赴新加坡考察智慧港口",
      "学习新加坡港自动化码头和港口数字化管理经验。", "新加坡海事及港务管理局",
      (("SG", "新加坡", 4),), ("参加智慧港口培训", "考察大士港自动化码头"), grade="优秀"),
    T("GWJT", "head_signed", 75, "visit", "赴希腊、意大利开展港航合作洽谈",
      "对接比雷埃夫斯港和热那亚港，拓展地中海航线。", "比雷埃夫斯港务局",
      (("GR", "比雷埃夫斯", 3), ("IT", "热那亚", 3)), ("洽谈比港中转合作", "考察热那亚港"),
      at_step="approve"),
    # 市交通运输局: 中欧班列.
    T("JTJ", "report_filed", -90, "investment", "赴哈萨克斯坦、乌兹别克斯坦推介中欧班列",
      "推介江海中欧班列，拓展中亚回程货源。", "哈萨克斯坦铁路公司",
      (("KZ", "阿拉木图", 3), ("UZ", "塔什干", 2)),
      ("举办中欧班列（江海）推介会", "与哈铁快运签署合作备忘录", "对接乌兹别克斯坦棉纺企业货源"),
      size=4),
    T("JTJ", "submitted", 100, "visit", "赴波兰、白俄罗斯考察中欧班列沿线物流枢纽",
      "考察马拉舍维奇口岸和中白工业园物流设施。", "白俄罗斯交通部",
      (("PL", "华沙", 2), ("BY", "明斯克", 3)), ("考察马拉舍维奇换装作业", "访问中白工业园")),
    # 市委外办: sister cities.
    T("WB", "evaluated", -250, "visit", "赴日本、韩国开展友城交流",
      "出席友好城市缔结三十周年纪念活动，商定下一阶段交流计划。", "静冈县政府",
      (("JP", "静冈", 3), ("KR", "光州", 2)),
      ("出席友城缔结三十周年纪念活动", "签署青少年交流合作协议"), grade="优秀"),
    T("WB", "archived", -620, "visit", "赴法国参加友城缔结周年活动",
      "巩固与里昂的友好城市关系。", "里昂市政府",
      (("FR", "里昂", 3),), ("出席友城纪念活动", "商谈文化交流年活动")),
    T("WB", "approved", 55, "visit", "赴新西兰、澳大利亚开展友城交流",
      "推动与奥克兰的友好交流城市关系升级为友好城市。", "奥克兰市政府",
      (("NZ", "奥克兰", 3), ("AU", "悉尼", 3)), ("商谈缔结友好城市意向书", "拜会新州政府")),
    T("WB", "draft", 140, "visit", "赴芬兰开展友城交流",
      "探讨与坦佩雷在教育和清洁能源领域的交流。", "坦佩雷市政府",
      (("FI", "坦佩雷", 3),), ("商谈友好交流城市关系", "考察清洁能源项目")),
    # 江海大学 (under 市教育局): academic exchange.
    T("JHDX", "archived", -850, "academic_exchange", "赴英国、德国、法国、意大利开展学术交流",
      "与欧洲四所合作高校商定联合培养和科研合作计划。", "曼彻斯特大学",
      (("GB", "曼彻斯特", 3), ("DE", "慕尼黑", 3), ("FR", "巴黎", 2), ("IT", "米兰", 3)),
      ("续签联合培养协议", "举办材料科学联合研讨会", "商谈共建联合实验室"),
      size=7, interpreter=False, academic=True),
    T("JHDX", "returned_home", -12, "conference", "赴日本参加国际学术会议",
      "在国际海洋工程会议上报告研究成果。", "东京大学",
      (("JP", "东京", 4),), ("在大会作特邀报告", "与东京大学商谈交换生项目"),
      size=2, interpreter=False),
    T("JHDX-GJC", "withdrawn", 50, "conference", "赴韩国参加东亚高校国际合作论坛",
      "交流高校国际化办学经验。", "首尔大学",
      (("KR", "首尔", 3),), ("出席论坛并发言",), size=2, interpreter=False,
      reason="学校年度外事计划调整，改由分管校领导明年带队，撤回本次申请。"),
    # 市教育局.
    T("JYJ", "rejected", 45, "visit", "赴英国考察职业教育",
      "了解英国现代学徒制。", "英国文化协会",
      (("GB", "伦敦", 3),), ("考察继续教育学院",), invitation="foreign_mission_in_china",
      justify={"invitation": "英国文化协会为英方教育交流的主管机构，已附英方院校接待函。"},
      reason="出访任务与本年度重点工作关联不足，建议并入省教育厅组团。"),
    T("JYJ", "report_filed", -60, "training", "赴新加坡参加培训",
      "参加新加坡南洋理工大学教育管理干部培训班。", "南洋理工大学",
      (("SG", "新加坡", 4),), ("完成教育管理培训课程", "考察新加坡中小学"), size=4,
      interpreter=False, host=("meals",)),
    # 市科学技术局.
    T("KJJ", "archived", -780, "visit", "赴芬兰、瑞典考察科技创新合作",
      "对接北欧清洁能源和数字技术创新资源。", "芬兰商务促进局",
      (("FI", "赫尔辛基", 3), ("SE", "斯德哥尔摩", 2)),
      ("考察赫尔辛基创新园区", "签署科技创新合作备忘录"), grade="优秀"),
    T("KJJ", "evaluated", -230, "conference", "赴新加坡参加亚洲科技金融论坛",
      "推介江海科技创新券和科技金融政策。", "新加坡金融管理局",
      (("SG", "新加坡", 3),), ("出席亚洲科技金融论坛", "对接新加坡科技投资机构"), size=2,
      grade="良好"),
    T("KJJ", "abroad", -2, "visit", "赴以色列考察科技创新",
      "对接以色列农业节水和医疗器械创新项目。", "以色列创新署",
      (("IL", "特拉维夫", 3),), ("考察以色列创新署孵化器", "洽谈中以联合研发项目"), lead=38,
      justify={"lead_time":
               "以色列创新署临时邀请参加中以创新合作对接会，邀请函于出发前五周才送达。"}),
    T("KJJ", "approved", 30, "conference", "赴瑞士参加国际创新论坛",
      "参加国际创新论坛，推介江海科技创新券政策。", "某国际会展服务有限公司",
      (("CH", "日内瓦", 3),), ("出席论坛并作主旨发言", "拜会世界知识产权组织"),
      invitation="intermediary",
      justify={"invitation": "论坛主办方委托该公司统一发送邀请函，已附主办方的确认函。"}),
    # 市农业农村局.
    T("NYJ", "evaluated", -330, "visit", "赴肯尼亚、坦桑尼亚开展农业技术合作",
      "推广杂交水稻和节水灌溉技术。", "坦桑尼亚农业部",
      (("KE", "内罗毕", 3), ("TZ", "达累斯萨拉姆", 3)),
      ("考察杂交水稻示范田", "签署农业技术合作协议"),
      grade="合格"),
    T("NYJ", "cancelled", 15, "visit", "赴埃塞俄比亚考察农业产业园",
      "考察我市企业投资的农业产业园。", "埃塞俄比亚农业部",
      (("ET", "亚的斯亚贝巴", 4),), ("考察农业产业园", "看望在埃中资企业员工"),
      reason="目的国安全形势变化，经研究取消本次出访。"),
    # 市卫生健康委员会.
    T("WJW", "archived", -640, "visit", "赴德国考察医疗卫生合作",
      "学习德国分级诊疗和康复医疗经验。", "柏林夏里特医院",
      (("DE", "柏林", 3),), ("考察夏里特医院康复中心", "商谈医院进修合作"), grade="良好"),
    T("WJW", "report_filed", -75, "visit", "赴匈牙利、捷克开展卫生健康交流",
      "推动中医药海外中心建设。", "匈牙利人力资源部",
      (("HU", "布达佩斯", 3), ("CZ", "布拉格", 2)), ("考察中东欧中医药中心", "商谈医院合作项目"),
      late_return="返程航班因天气原因取消，改乘次日航班回国。"),
    # Districts.
    T("DHQ", "archived", -940, "investment", "赴泰国、马来西亚开展招商推介",
      "推介东湖区电子信息产业园。", "泰国投资促进委员会",
      (("TH", "曼谷", 3), ("MY", "吉隆坡", 2)), ("举办东湖区投资推介会", "拜访东盟电子企业"),
      grade="不合格"),
    T("DHQ", "archived", -560, "investment", "赴德国、奥地利开展招商引资",
      "推介东湖高新区，吸引高端装备制造项目。", "巴伐利亚州经济部",
      (("DE", "慕尼黑", 3), ("AT", "维也纳", 2)), ("举办东湖区投资推介会", "走访五家德国企业")),
    T("DHQ-SWJ", "returned", 65, "investment", "赴英国开展招商推介活动",
      "推介东湖区生物医药产业园。", "英国国际贸易部",
      (("GB", "伦敦", 2), ("GB", "曼彻斯特", 1)), ("举办投资推介会", "拜访英国生物医药企业"),
      returned_by="head", reason="预算明细不全，请补充国际旅费报价后重新报送。"),
    T("BHXQ", "evaluated", -180, "investment", "赴日本、韩国开展招商推介",
      "推介滨海新区临港产业，对接汽车和半导体项目。", "日本贸易振兴机构",
      (("JP", "东京", 2), ("KR", "首尔", 2)), ("举办滨海新区投资说明会", "拜访日韩重点企业"),
      size=4, grade="不合格"),
    T("BHXQ", "archived", -720, "visit", "赴新加坡考察临港产业园区",
      "学习裕廊工业区开发运营经验。", "裕廊集团",
      (("SG", "新加坡", 3),), ("考察裕廊工业区", "与裕廊集团商谈园区合作"), grade="合格"),
    T("BHXQ", "head_signed", 60, "investment", "赴墨西哥、秘鲁参加投资促进活动",
      "推介滨海新区，对接拉美矿产和农产品贸易。", "秘鲁投资促进署",
      (("MX", "墨西哥城", 3), ("PE", "利马", 3)), ("出席中拉投资论坛", "对接秘鲁农产品进口")),
    # 临江县 has a report long overdue: it may not submit new applications (the unit block).
    T("LJX", "returned_home", -80, "visit", "赴马来西亚考察热带农业合作",
      "考察热带水果种植加工和农产品贸易。", "马来西亚农业与食品安全部",
      (("MY", "吉隆坡", 3),), ("考察榴莲种植加工企业", "对接农产品进口商"), size=2,
      interpreter=False, late="report"),
    T("LJX", "draft", 120, "visit", "赴越南考察农产品加工",
      "考察农产品加工和边境贸易合作。", "越南农业与农村发展部",
      (("VN", "河内", 3),), ("考察农产品加工企业",), size=2, interpreter=False),
]  # fmt: skip
