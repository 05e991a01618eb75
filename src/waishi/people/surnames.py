"""Chinese surnames and how a Chinese passport spells them.

A surname is often read differently from the same character in everyday words (单 is "dan" in
单纯 but the surname SHAN; 曾 is "ceng" in 曾经 but ZENG), so pypinyin's default reading cannot be
trusted for surnames. This table gives the passport spelling: upper case, no tones, ü written YU
(the rule for passports issued since 2012: 吕 LYU, 闾丘 LYUQIU).

Single surnames follow the 百家姓 plus common modern ones (付, 肖, 闫, 覃, 区, 朴 …). Compound
surnames are attested ones; archaic compounds whose first character is a common surname on its
own (梁丘, 谷梁, 段干, 巫马, 乐正 …) are left out on purpose: "梁丘明" is far more likely to be
梁 + 丘明 than a 梁丘, and compound surnames are matched before single ones.
"""

# "character(s) READING" pairs; whitespace between pairs is free.
_SINGLE = """
赵 ZHAO  钱 QIAN  孙 SUN  李 LI  周 ZHOU  吴 WU  郑 ZHENG  王 WANG  冯 FENG  陈 CHEN
褚 CHU  卫 WEI  蒋 JIANG  沈 SHEN  韩 HAN  杨 YANG  朱 ZHU  秦 QIN  尤 YOU  许 XU
何 HE  吕 LYU  施 SHI  张 ZHANG  孔 KONG  曹 CAO  严 YAN  华 HUA  金 JIN  魏 WEI
陶 TAO  姜 JIANG  戚 QI  谢 XIE  邹 ZOU  喻 YU  柏 BAI  水 SHUI  窦 DOU  章 ZHANG
云 YUN  苏 SU  潘 PAN  葛 GE  奚 XI  范 FAN  彭 PENG  郎 LANG  鲁 LU  韦 WEI
昌 CHANG  马 MA  苗 MIAO  凤 FENG  花 HUA  方 FANG  俞 YU  任 REN  袁 YUAN  柳 LIU
酆 FENG  鲍 BAO  史 SHI  唐 TANG  费 FEI  廉 LIAN  岑 CEN  薛 XUE  雷 LEI  贺 HE
倪 NI  汤 TANG  滕 TENG  殷 YIN  罗 LUO  毕 BI  郝 HAO  邬 WU  安 AN  常 CHANG
乐 YUE  于 YU  时 SHI  傅 FU  皮 PI  卞 BIAN  齐 QI  康 KANG  伍 WU  余 YU
元 YUAN  卜 BU  顾 GU  孟 MENG  平 PING  黄 HUANG  和 HE  穆 MU  萧 XIAO  尹 YIN
姚 YAO  邵 SHAO  湛 ZHAN  汪 WANG  祁 QI  毛 MAO  禹 YU  狄 DI  米 MI  贝 BEI
明 MING  臧 ZANG  计 JI  伏 FU  成 CHENG  戴 DAI  谈 TAN  宋 SONG  茅 MAO  庞 PANG
熊 XIONG  纪 JI  舒 SHU  屈 QU  项 XIANG  祝 ZHU  董 DONG  梁 LIANG  杜 DU  阮 RUAN
蓝 LAN  闵 MIN  席 XI  季 JI  麻 MA  强 QIANG  贾 JIA  路 LU  娄 LOU  危 WEI
江 JIANG  童 TONG  颜 YAN  郭 GUO  梅 MEI  盛 SHENG  林 LIN  刁 DIAO  钟 ZHONG  徐 XU
邱 QIU  骆 LUO  高 GAO  夏 XIA  蔡 CAI  田 TIAN  樊 FAN  胡 HU  凌 LING  霍 HUO
虞 YU  万 WAN  支 ZHI  柯 KE  昝 ZAN  管 GUAN  卢 LU  莫 MO  经 JING  房 FANG
裘 QIU  缪 MIAO  干 GAN  解 XIE  应 YING  宗 ZONG  丁 DING  宣 XUAN  贲 BEN  邓 DENG
郁 YU  单 SHAN  杭 HANG  洪 HONG  包 BAO  诸 ZHU  左 ZUO  石 SHI  崔 CUI  吉 JI
钮 NIU  龚 GONG  程 CHENG  嵇 JI  邢 XING  滑 HUA  裴 PEI  陆 LU  荣 RONG  翁 WENG
荀 XUN  羊 YANG  於 YU  惠 HUI  甄 ZHEN  曲 QU  家 JIA  封 FENG  芮 RUI  羿 YI
储 CHU  靳 JIN  汲 JI  邴 BING  糜 MI  松 SONG  井 JING  段 DUAN  富 FU  巫 WU
乌 WU  焦 JIAO  巴 BA  弓 GONG  牧 MU  隗 WEI  山 SHAN  谷 GU  车 CHE  侯 HOU
宓 MI  蓬 PENG  全 QUAN  郗 XI  班 BAN  仰 YANG  秋 QIU  仲 ZHONG  伊 YI  宫 GONG
宁 NING  仇 QIU  栾 LUAN  暴 BAO  甘 GAN  钭 TOU  厉 LI  戎 RONG  祖 ZU  武 WU
符 FU  刘 LIU  景 JING  詹 ZHAN  束 SHU  龙 LONG  叶 YE  幸 XING  司 SI  韶 SHAO
郜 GAO  黎 LI  蓟 JI  薄 BO  印 YIN  宿 SU  白 BAI  怀 HUAI  蒲 PU  邰 TAI
从 CONG  鄂 E  索 SUO  咸 XIAN  籍 JI  赖 LAI  卓 ZHUO  蔺 LIN  屠 TU  蒙 MENG
池 CHI  乔 QIAO  阴 YIN  胥 XU  能 NAI  苍 CANG  双 SHUANG  闻 WEN  莘 SHEN  党 DANG
翟 ZHAI  谭 TAN  贡 GONG  劳 LAO  逄 PANG  姬 JI  申 SHEN  扶 FU  堵 DU  冉 RAN
宰 ZAI  郦 LI  雍 YONG  郤 XI  璩 QU  桑 SANG  桂 GUI  濮 PU  牛 NIU  寿 SHOU
通 TONG  边 BIAN  扈 HU  燕 YAN  冀 JI  郏 JIA  浦 PU  尚 SHANG  农 NONG  温 WEN
别 BIE  庄 ZHUANG  晏 YAN  柴 CHAI  瞿 QU  阎 YAN  充 CHONG  慕 MU  连 LIAN  茹 RU
习 XI  宦 HUAN  艾 AI  鱼 YU  容 RONG  向 XIANG  古 GU  易 YI  慎 SHEN  戈 GE
廖 LIAO  庾 YU  终 ZHONG  暨 JI  居 JU  衡 HENG  步 BU  都 DU  耿 GENG  满 MAN
弘 HONG  匡 KUANG  国 GUO  文 WEN  寇 KOU  广 GUANG  禄 LU  阙 QUE  东 DONG  欧 OU
殳 SHU  沃 WO  利 LI  蔚 YU  越 YUE  夔 KUI  隆 LONG  师 SHI  巩 GONG  厍 SHE
聂 NIE  晁 CHAO  勾 GOU  敖 AO  融 RONG  冷 LENG  訾 ZI  辛 XIN  阚 KAN  那 NA
简 JIAN  饶 RAO  空 KONG  曾 ZENG  毋 WU  沙 SHA  乜 NIE  养 YANG  鞠 JU  须 XU
丰 FENG  巢 CHAO  关 GUAN  蒯 KUAI  相 XIANG  查 ZHA  后 HOU  荆 JING  红 HONG  游 YOU
竺 ZHU  权 QUAN  逯 LU  盖 GE  益 YI  桓 HUAN  公 GONG  晋 JIN  楚 CHU  闫 YAN
法 FA  汝 RU  鄢 YAN  涂 TU  钦 QIN  岳 YUE  帅 SHUAI  缑 GOU  亢 KANG  况 KUANG
郈 HOU  有 YOU  琴 QIN  商 SHANG  牟 MU  佘 SHE  佴 NAI  伯 BO  赏 SHANG  墨 MO
哈 HA  谯 QIAO  笪 DA  年 NIAN  爱 AI  阳 YANG  佟 TONG  言 YAN  福 FU  覃 QIN
区 OU  朴 PIAO  冼 XIAN  洗 XIAN  员 YUN  秘 BI  黑 HE  种 CHONG  重 CHONG  繁 PO
折 SHE  召 SHAO  过 GUO  句 GOU  郇 HUAN  眭 SUI  谌 CHEN  尉 YU  付 FU  肖 XIAO
邸 DI  粟 SU  禤 XUAN  敬 JING  揭 JIE  练 LIAN  门 MEN  代 DAI  官 GUAN  刀 DIAO
母 MU  战 ZHAN  麦 MAI  邝 KUANG  綦 QI  兰 LAN  苟 GOU  但 DAN  丛 CONG  展 ZHAN
仝 TONG  占 ZHAN  伞 SAN  才 CAI  初 CHU  修 XIU  隋 SUI  矫 JIAO  衣 YI  迟 CHI
来 LAI  蹇 JIAN  么 YAO  甯 NING  仉 ZHANG  亓 QI  粘 NIAN  隽 JUAN  祭 ZHAI  鲜 XIAN
闾 LYU  银 YIN  达 DA  植 ZHI  巨 JU  原 YUAN  寻 XUN  海 HAI  芦 LU  雒 LUO
卿 QING  撒 SA  楼 LOU  庹 TUO  冶 YE  仪 YI  长 CHANG  藏 ZANG  𠮷 JI
"""

_COMPOUND = """
欧阳 OUYANG  诸葛 ZHUGE  司马 SIMA  上官 SHANGGUAN  令狐 LINGHU  尉迟 YUCHI
长孙 ZHANGSUN  东方 DONGFANG  皇甫 HUANGFU  夏侯 XIAHOU  慕容 MURONG  公孙 GONGSUN
司徒 SITU  司空 SIKONG  端木 DUANMU  宇文 YUWEN  澹台 TANTAI  太史 TAISHI  闻人 WENREN
呼延 HUYAN  南宫 NANGONG  西门 XIMEN  东门 DONGMEN  申屠 SHENTU  轩辕 XUANYUAN
百里 BAILI  东郭 DONGGUO  钟离 ZHONGLI  宗政 ZONGZHENG  濮阳 PUYANG  公冶 GONGYE
赫连 HELIAN  万俟 MOQI  第五 DIWU  左丘 ZUOQIU  拓跋 TUOBA  独孤 DUGU  贺兰 HELAN
单于 CHANYU  淳于 CHUNYU  鲜于 XIANYU  闾丘 LYUQIU  公羊 GONGYANG  太叔 TAISHU
亓官 QIGUAN  司寇 SIKOU  仉督 ZHANGDU  子车 ZIJU  颛孙 ZHUANSUN  公西 GONGXI
漆雕 QIDIAO  壤驷 RANGSI  夹谷 JIAGU  羊舌 YANGSHE  微生 WEISHENG  完颜 WANYAN
纳兰 NALAN  呼衍 HUYAN  爱新觉罗 AIXINJUELUO  叶赫那拉 YEHENALA  钮祜禄 NIUHULU
"""


def _pairs(table: str) -> dict[str, str]:
    words = table.split()
    return dict(zip(words[::2], words[1::2], strict=True))


SINGLE_SURNAMES: dict[str, str] = _pairs(_SINGLE)
COMPOUND_SURNAMES: dict[str, str] = _pairs(_COMPOUND)
# Simplified characters → passport spelling, single and compound surnames together.
SURNAMES: dict[str, str] = {**SINGLE_SURNAMES, **COMPOUND_SURNAMES}
