"""Benchmark: parse 1,000 generated meeting releases; report ms per release and accuracy.

    python bench/news_import.py [--count 1000] [--seed 7]

Releases come in the styles the importer must read (主持召开 / 召开…由…主持 / …会议在…召开; with or
without titles; timestamps or not), a third converted to Traditional and half of those given inline
pinyin. Each is checked against the record it was generated from. Target: < 20 ms per release.
"""

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from waishi.commission.news import parse_release

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程"
)
COMPOUND = ["欧阳", "诸葛", "司马", "上官", "令狐", "东方"]
GIVEN = list("明远海峰立新晓梅志刚文斌东静怡佳琪华青春敏勇强军平磊洋丽娟涛斌鹏飞宇")
TITLES = ["市委副书记、市长", "市委常委、秘书长", "副市长", "市政协主席", "市人大常委会主任",
          "市委常委、宣传部部长", "市委外办主任", "市领导"]  # fmt: skip
DOCUMENTS = ["市委外事工作委员会{y}年工作要点", "江海市因公临时出国(境)团组管理办法(修订)",
             "关于加强全市民间对外交往工作的意见", "江海市国际友好城市工作管理办法(试行)",
             "江海市涉外突发事件应急预案", "{y}年市级因公出国(境)计划"]  # fmt: skip


def person(rng: random.Random, taken: set) -> str:
    while True:
        if rng.random() < 0.12:
            name = rng.choice(COMPOUND) + rng.choice(GIVEN)
        else:
            name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
        if name not in taken:
            taken.add(name)
            return name


def release(rng: random.Random) -> tuple[str, dict]:
    year, month, day = rng.randint(2019, 2030), rng.randint(1, 12), rng.randint(1, 28)
    taken: set = set()
    chair = person(rng, taken)
    attendees = [person(rng, taken) for _ in range(rng.randint(1, 6))]
    documents = [d.format(y=year) for d in rng.sample(DOCUMENTS, rng.randint(1, 3))]
    number = rng.choice("一二三四五六七八")
    title = f"市委外事工作委员会第{number}次会议"
    style = rng.randrange(3)
    if style == 0:
        lead = f"{month}月{day}日上午，市委书记、市委外事工作委员会主任{chair}主持召开{title}。"
    elif style == 1:
        lead = f"{month}月{day}日，市委外事工作委员会召开第{number}次会议，会议由{chair}主持。"
    else:
        lead = f"{month}月{day}日，{title}在市行政中心召开。市委书记{chair}主持会议并讲话。"
    listed = "，".join(f"{rng.choice(TITLES)}{name}" for name in attendees)
    body = (
        f"{lead}\n{listed}出席会议。\n会议指出，要服务对外开放大局。\n"
        f"会议审议了{''.join(f'《{d}》' for d in documents)}。\n"
        f"(记者 {person(rng, taken)})\n发布时间：{year}-{month:02d}-{day:02d} 18:00\n责任编辑：王五"
    )
    expected = {"date": f"{year}-{month:02d}-{day:02d}", "chairs": [chair],
                "attendees": attendees, "documents": documents, "title": title}  # fmt: skip
    return body, expected


def traditional(text: str, rng: random.Random, pinyin: bool) -> str:
    from opencc import OpenCC

    converted = OpenCC("s2t").convert(text)
    if not pinyin:
        return converted
    from pypinyin import Style
    from pypinyin import pinyin as readings

    out = []
    for ch in converted:
        out.append(ch)
        if "\u4e00" <= ch <= "\u9fff" and rng.random() < 0.4:
            out.append(f"({readings(ch, style=Style.TONE)[0][0]})")
    return "".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    cases = []
    for index in range(args.count):
        text, expected = release(rng)
        if index % 3 == 2:
            text = traditional(text, rng, pinyin=index % 2 == 0)
        cases.append((text, expected))
    parse_release(cases[0][0])  # warm the converters once, as a running server would be
    wrong = 0
    started = time.perf_counter()
    for text, expected in cases:
        draft = parse_release(text)
        got = {key: getattr(draft, key) for key in expected}
        wrong += got != expected
    elapsed = time.perf_counter() - started
    per_release = elapsed * 1000 / len(cases)
    print(f"{len(cases)} releases: {per_release:.2f} ms per release, {wrong} not read exactly")
    return 0 if per_release < 20 else 1


if __name__ == "__main__":
    sys.exit(main())
