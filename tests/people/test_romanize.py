import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from waishi.people.romanize import Romanized, RomanizeError, romanize, split_name
from waishi.people.surnames import COMPOUND_SURNAMES

SURNAME_READINGS_DIFFER_FROM_EVERYDAY_ONES = [
    ("单立新", "SHAN LIXIN"),  # 单 dan
    ("曾国藩", "ZENG GUOFAN"),  # 曾 ceng
    ("查良镛", "ZHA LIANGYONG"),  # 查 cha
    ("仇英", "QIU YING"),  # 仇 chou
    ("解缙", "XIE JIN"),  # 解 jie
    ("区永权", "OU YONGQUAN"),  # 区 qu
    ("朴明哲", "PIAO MINGZHE"),  # 朴 pu
    ("盖立新", "GE LIXIN"),  # 盖 gai
    ("覃振", "QIN ZHEN"),  # 覃 tan
    ("缪可", "MIAO KE"),  # 缪 mou
    ("翟志刚", "ZHAI ZHIGANG"),  # 翟 di
    ("乐晓东", "YUE XIAODONG"),  # 乐 le
    ("尉文静", "YU WENJING"),  # 尉 wei
    ("秘书华", "BI SHUHUA"),  # 秘 mi
    ("黑小勇", "HE XIAOYONG"),  # 黑 hei
    ("员海峰", "YUN HAIFENG"),  # 员 yuan
    ("种世衡", "CHONG SHIHENG"),  # 种 zhong
    ("薄一波", "BO YIBO"),  # 薄 bao
    ("柏杨", "BAI YANG"),
    ("冼星海", "XIAN XINGHAI"),
]

COMPOUND_SURNAMES_CASES = [
    ("长孙无忌", "ZHANGSUN WUJI"),  # 长 chang
    ("万俟卨", "MOQI XIE"),  # 万 wan, 俟 si
    ("尉迟恭", "YUCHI GONG"),
    ("单于夫罗", "CHANYU FULUO"),
    ("欧阳修", "OUYANG XIU"),
    ("诸葛亮", "ZHUGE LIANG"),
    ("司马光", "SIMA GUANG"),
    ("上官婉儿", "SHANGGUAN WANER"),
    ("令狐冲", "LINGHU CHONG"),
    ("皇甫嵩", "HUANGFU SONG"),
    ("夏侯惇", "XIAHOU DUN"),
    ("端木蕻良", "DUANMU HONGLIANG"),
    ("澹台灭明", "TANTAI MIEMING"),
    ("闾丘露薇", "LYUQIU LUWEI"),
    ("爱新觉罗溥仪", "AIXINJUELUO PUYI"),
]

U_UMLAUT_IS_WRITTEN_YU = [
    ("吕蒙", "LYU MENG"),
    ("吕晓梅", "LYU XIAOMEI"),
    ("女娲", "NYU WA"),
    ("张略", "ZHANG LYUE"),
    ("王律", "WANG LYU"),
    ("李绿", "LI LYU"),
    # After j, q, x and y the pinyin u is already ü and the passport keeps U.
    ("于丹", "YU DAN"),
    ("余秋雨", "YU QIUYU"),
    ("徐静蕾", "XU JINGLEI"),
    ("居正", "JU ZHENG"),
    ("曲波", "QU BO"),
]

GIVEN_NAMES = [
    ("张欣安", "ZHANG XINAN"),  # no apostrophe, even where pinyin would need one
    ("李西安", "LI XIAN"),
    ("王小明", "WANG XIAOMING"),
    ("周恩来", "ZHOU ENLAI"),
    ("高行健", "GAO XINGJIAN"),  # 行 hang/xing: the phrase decides
    ("王朝阳", "WANG ZHAOYANG"),  # 朝 chao/zhao
    ("李重阳", "LI CHONGYANG"),  # 重 zhong/chong
    ("王长林", "WANG CHANGLIN"),  # 长 zhang/chang at the start of a given name
    ("姚明", "YAO MING"),
]

TRADITIONAL = [
    ("歐陽春", "OUYANG CHUN"),
    ("呂蒙", "LYU MENG"),
    ("單立新", "SHAN LIXIN"),
    ("沈從文", "SHEN CONGWEN"),
    ("長孫無忌", "ZHANGSUN WUJI"),
    ("王長青", "WANG CHANGQING"),
    ("李乾坤", "LI QIANKUN"),  # 乾 must not become 干 (gan)
]


@pytest.mark.parametrize(
    ("name", "passport"),
    SURNAME_READINGS_DIFFER_FROM_EVERYDAY_ONES
    + COMPOUND_SURNAMES_CASES
    + U_UMLAUT_IS_WRITTEN_YU
    + GIVEN_NAMES
    + TRADITIONAL,
)
def test_names_are_spelled_as_on_a_chinese_passport(name, passport):
    assert romanize(name).passport == passport


def test_the_result_separates_surname_and_given_name_and_keeps_the_name_as_written():
    result = romanize("歐陽春")

    assert result == Romanized(
        name="歐陽春", surname="OUYANG", given="CHUN", passport="OUYANG CHUN"
    )
    assert result.as_dict() == {
        "name": "歐陽春",
        "surname": "OUYANG",
        "given": "CHUN",
        "passport": "OUYANG CHUN",
    }


def test_split_name_returns_the_chinese_surname_and_given_name():
    assert split_name("诸葛亮") == ("诸葛", "亮")
    assert split_name("歐陽春") == ("歐陽", "春")
    assert split_name("单立新") == ("单", "立新")
    assert split_name("吕蒙") == ("吕", "蒙")


def test_a_two_character_name_is_surname_plus_given_name_unless_it_is_a_compound_surname():
    assert split_name("欧春") == ("欧", "春")  # 欧 starts 欧阳, but 欧春 is 欧 + 春
    assert romanize("司春").passport == "SI CHUN"
    with pytest.raises(RomanizeError, match="compound surname"):
        romanize("司马")


def test_whitespace_and_outer_spaces_are_ignored():
    assert romanize("  吕 晓梅 ").passport == "LYU XIAOMEI"
    assert romanize("吕\u3000蒙").passport == "LYU MENG"
    assert romanize("  吕蒙 ").name == "吕蒙"


def test_a_space_after_the_surname_overrides_the_compound_surname_guess():
    assert romanize("欧 阳").passport == "OU YANG"
    assert romanize("欧 阳春").passport == "OU YANGCHUN"
    assert romanize("张王 淑芬").passport == "ZHANGWANG SHUFEN"


def test_a_dotted_name_puts_the_last_part_in_the_surname_field():
    result = romanize("阿依古丽·买买提")

    assert (result.surname, result.given) == ("MAIMAITI", "AYIGULI")
    assert romanize("阿依古丽•买买提").passport == "MAIMAITI AYIGULI"  # a look-alike dot
    assert romanize("·吕蒙").passport == "LYU MENG"  # a stray dot is just dropped


def test_a_name_with_father_and_grandfather_names_joins_them_in_the_surname_field():
    result = romanize("阿依古丽·买买提·艾力")

    assert (result.surname, result.given) == ("MAIMAITIAILI", "AYIGULI")
    assert split_name("阿依古丽·买买提·艾力") == ("买买提·艾力", "阿依古丽")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("·", "empty"),
        ("abc", "Latin letters or digits"),
        ("Li Lei", "Latin letters or digits"),
        ("王5", "Latin letters or digits"),
        ("ｗａｎｇ伟", "Latin letters or digits"),  # full-width letters
        ("王小明!", "not a Chinese character"),
        ("김철수", "not a Chinese character"),
        ("马", "single character"),
        ("欧阳", "compound surname with no given name"),
        ("司马", "write '司 马'"),
        ("歐陽", "compound surname with no given name"),
        ("阿依古丽买买提", "no known surname"),
        ("王" * 31, "too long"),
        ("吕蒙吕 单立新", "too long for a surname"),
    ],
)
def test_unusable_input_is_refused_with_a_clear_message(name, message):
    with pytest.raises(RomanizeError, match=re.escape(message)):
        romanize(name)


def test_a_long_name_with_a_known_surname_is_still_read():
    assert romanize("王一二三四五六").passport == "WANG YIERSANSIWULIU"


COMMON = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "单查仇解区朴盖覃缪翟乐尉长万俟欧阳诸葛司上官令狐"
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国立新晓梅欣安春红玉珍凤文辉鹏飞宇浩"
    "子涵轩一诺雨彤思远佳琪博睿梓萱嘉怡俊峰志刚海燕丹丹行重朝女绿律略"
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=COMMON, min_size=2, max_size=4))
def test_any_short_name_of_common_characters_gives_a_clean_passport_spelling(name):
    assume(name not in COMPOUND_SURNAMES)

    result = romanize(name)

    assert re.fullmatch(r"[A-Z]+ [A-Z]+", result.passport)
    assert result.passport == f"{result.surname} {result.given}"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12))
def test_any_text_is_either_romanized_or_refused_with_romanize_error(text):
    try:
        result = romanize(text)
    except RomanizeError as exc:
        assert str(exc)
    else:
        assert re.fullmatch(r"[A-Z]+ [A-Z]+", result.passport)
