#!/usr/bin/env python3
"""Generate a large, valid, realistic corpus of proposals for scale tests and benchmarks.

    python scripts/generate_corpus.py OUT --n 1000 [--seed 1] [--meetings K] [--project DIR]

Writes OUT/<slug>.yaml for N proposals and OUT/meetings/<id>.yaml for K meetings (by default more
meetings for larger N; the latest meeting holds about half of all proposals). The Chinese is made of
the real seven proposals' sentences, recombined, with each sentence's topic word replaced by the new
proposal's topic, so that keywords vary as they would across many sessions. Output depends only on
N, the seed and the meeting count. `--project DIR` also writes a buildable MkDocs project (see
`make_project`): the real mkdocs.yml with `proposals_dir` pointing at OUT.
"""

from __future__ import annotations

import argparse
import math
import random
import re
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

import yaml
from pypinyin import lazy_pinyin

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

from cppcc import permalinks
from cppcc.loading import load_corpus
from cppcc.model import Corpus

CITIES = ["辽源", "通化", "白山", "四平", "松原", "白城", "延吉", "吉林", "长春", "梅河口"]
CITY_IDS = ["liaoyuan", "tonghua", "baishan", "siping", "songyuan", "baicheng", "yanji", "jilin",
            "changchun", "meihekou"]
NUMERALS = "一二三四五六七八九十"
TOPICS = re.findall(r"\S+", (
    "法治政府 职业教育 专精特新 城市文化 基层医疗 科学普及 老字号 乡村振兴 养老服务 冰雪旅游 数字经济 "
    "营商环境 生态保护 黑土地 粮食安全 人才引进 托育服务 社区治理 文旅融合 新能源 物流枢纽 县域经济 "
    "民营经济 农村电商 中医药 食品安全 住房保障 城市更新 智慧交通 全民健身 非遗传承 红色旅游 家庭教育 "
    "校外培训 心理健康 慢病管理 医保支付 就业创业 返乡创业 高校毕业生 退役军人 残疾人事业 妇女儿童 "
    "河湖治理 秸秆利用 畜牧业 人参产业 梅花鹿 林下经济 矿山修复 装备制造 纺织袜业 农产品加工 "
    "冷链物流 数字政府 一网通办 基层减负 网格管理 应急管理 安全生产 消防安全 防汛抗旱 垃圾分类 "
    "污水处理 清洁取暖 老旧小区 物业管理 公共文化 全民阅读 志愿服务 文明城市 诚信建设 知识产权 "
    "科技成果转化 产学研 中小企业融资 普惠金融 招商引资 对外开放 边境贸易 口岸经济 航空物流 "
    "高铁经济 全域旅游 康养产业 森林康养 预制菜 直播电商 平台经济 银发经济 夜间经济 "
    "体育产业 青少年体育 乡村教师 义务教育 学前教育 特殊教育 职业技能 工匠精神 劳动教育"
))
VERBS = ["推进", "加快", "进一步加强", "着力提升", "持续优化", "深化", "大力发展", "健全完善", "做优做强"]
GOALS = ["发展", "建设", "工作", "高质量发展", "服务体系建设", "治理能力", "创新发展", "提质增效"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"
PARTIES = ["民革", "民盟", "民建", "民进", "农工民主党", "致公党", "九三学社", "台盟"]
BODIES = ["工商业联合会", "科学技术协会", "妇女联合会", "总工会", "共青团", "文化艺术界", "医药卫生界",
          "教育界", "经济界", "农业界", "社会福利和社会保障界"]
ROLES = ["委员", "常委", "副主委", "主委", "副主席", "兼职副主委", "秘书长"]
SENTENCE = re.compile(r"[^。;;!?]+[。;;!?]")


def sentences(corpus: Corpus) -> list[tuple[str, str]]:
    """Every sentence of the real proposals' speaker text, with the topic of its proposal."""
    out = []
    for p in corpus.proposals:
        for item in p.items():
            out += [(s, p.topic) for s in SENTENCE.findall(item.speaker_text) if len(s) >= 8]
    return out


def clauses(corpus: Corpus) -> list[tuple[str, str]]:
    """Short lead clauses (problems and headlines), with the topic of their proposal."""
    out = [(re.sub(r"[,,。;;]+$", "", q.text) + "。", p.topic) for p in corpus.proposals for q in p.problems]
    out += [(r.headline, p.topic) for p in corpus.proposals for r in p.recommendations]
    return out


class Writer:
    """Makes proposals from a random generator seeded once; every choice goes through it."""

    def __init__(self, corpus: Corpus, seed: int):
        self.rng = random.Random(seed)
        self.sentences, self.clauses = sentences(corpus), clauses(corpus)

    def _retopic(self, text: str, old: str, new: str) -> str:
        return text.replace(old, new) if old in text else text

    def _text(self, topic: str, count: int) -> str:
        picked = self.rng.choices(self.sentences, k=count)
        text = "".join(self._retopic(s, old, topic) for s, old in picked)
        return text if text.endswith("。") else text[:-1] + "。"

    def _clause(self, topic: str) -> str:
        clause, old = self.rng.choice(self.clauses)
        return self._retopic(clause, old, topic)

    def _notes(self, text: str) -> list[dict]:
        if len(text) < 12 or self.rng.random() > 0.04:
            return []
        start = self.rng.randrange(0, len(text) - 4)
        quote = text[start:start + 4]
        return [{"kind": "other", "quote": quote, "text": "原文如此,本站照录原文。"}] if quote.strip() else []

    def speaker(self, city: str) -> dict:
        rng = self.rng
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice([1, 2, 2])))
        if rng.random() < 0.75:
            party = rng.choice(PARTIES)
            return {"name": name, "role": rng.choice(ROLES), "body": f"{party}{city}市委员会",
                    "party": party}
        return {"name": name, "role": rng.choice(ROLES), "body": f"{city}市{rng.choice(BODIES)}"}

    def proposal(self, slug: str, meeting: str, order: int, city: str) -> dict:
        rng = self.rng
        topic = rng.choice(TOPICS)
        if rng.random() < 0.3:
            topic = rng.choice(TOPICS[:40]) + topic
        scale = math.exp(rng.gauss(0, 0.5))  # lengths vary about fourfold around the median
        n_problems = max(2, min(9, round(4 * scale)))
        n_recs = max(2, min(10, round(5 * scale)))
        background = [{"id": f"background-{i}", "text": self._text(topic, max(2, round(5 * scale)))}
                      for i in range(1, rng.choice([2, 2, 3, 4]))]
        problems = []
        for i in range(1, n_problems + 1):
            text = self._clause(topic) + (self._text(topic, rng.randint(0, 2)) if scale > 1 else "")
            problems.append({"id": f"problem-{i}", "text": text, "notes": self._notes(text)})
        recs = []
        for i in range(1, n_recs + 1):
            headline = self._clause(topic)
            body = self._text(topic, max(1, round(rng.randint(2, 5) * scale)))
            answers = sorted({f"problem-{rng.randint(1, n_problems)}" for _ in range(rng.randint(0, 2))})
            recs.append({"id": f"recommendation-{i}", "headline": headline, "body": body,
                         "answers": answers, "notes": self._notes(headline + body)})
        for item in [*background, *problems, *recs]:
            for key in ("notes", "answers"):
                if key in item and not item[key]:
                    del item[key]
        return {
            "slug": slug, "meeting": meeting, "order": order,
            "title": f"关于{rng.choice(VERBS)}{'我市' if rng.random() < 0.5 else ''}{topic}"
                     f"{rng.choice(GOALS)}的建议",
            "topic": topic, "speaker": self.speaker(city),
            "background": background, "problems": problems, "recommendations": recs,
        }


def meetings(count: int) -> list[dict]:
    """`count` meetings of three committees, one session a year each, over several terms, each
    with its dates (a fixed day of its year)."""
    out = []
    for k in range(count):
        city, year_index = k % 3, k // 3  # three committees, one session a year each
        term, session, year = 8 + year_index // 5, 1 + year_index % 5, 2019 + year_index
        name = f"政协{CITIES[city]}市第{NUMERALS[term - 1]}届委员会第{NUMERALS[session - 1]}次会议"
        # a fixed day of the year for each committee, in the order of their ids (as meetings sort)
        start = date(year, 1, 8 + 7 * sorted(CITY_IDS[:3]).index(CITY_IDS[city]))
        out.append({"id": f"{CITY_IDS[city]}-{term}-{session}-{year}", "title": name,
                    "headline": "凝聚汇智谋共识 建言献策促发展", "subtitle": f"——{name}发言摘要",
                    "committee": f"政协{CITIES[city]}市委员会", "term": term, "session": session,
                    "year": year, "start": start, "end": start + timedelta(days=3),
                    "_city": CITIES[city]})
    return out


def default_meeting_count(n: int) -> int:
    return max(1, min(20, round(math.log2(max(n, 2)))))


def shares(n: int, count: int) -> list[int]:
    """Proposals per meeting: the latest meeting gets about half, the others share the rest."""
    if count == 1:
        return [n]
    latest = (n + 1) // 2
    rest = [(n - latest) // (count - 1)] * (count - 1)
    for i in range(n - latest - sum(rest)):
        rest[i] += 1
    return [*rest, latest]


def _dump(data: dict, path: Path, schema: str) -> None:
    text = yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
                     allow_unicode=True, sort_keys=False, width=10_000)
    path.write_text(f"# yaml-language-server: $schema={schema}\n{text}", encoding="utf-8")


def slug_of(topic: str, taken: set[str]) -> str:
    base = "-".join(s for s in lazy_pinyin(topic) if s.isascii() and s.isalnum())[:40] or "proposal"
    base = base.strip("-")
    slug, k = base, 1
    while slug in taken:
        k += 1
        slug = f"{base}-{k}"
    taken.add(slug)
    return slug


def generate(out: Path, n: int, seed: int = 1, meeting_count: int | None = None,
             source: Path = REPO / "proposals") -> Path:
    """Write N proposals and their meetings into `out` (emptied first); return `out`."""
    writer = Writer(load_corpus(source), seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "meetings").mkdir(parents=True)
    all_meetings = sorted(meetings(meeting_count or default_meeting_count(n)),
                          key=lambda m: (m["year"], m["term"], m["session"], m["id"]))
    taken: set[str] = set()
    for meeting, count in zip(all_meetings, shares(n, len(all_meetings))):
        city = meeting.pop("_city")
        _dump(meeting, out / "meetings" / f"{meeting['id']}.yaml", "../meeting.schema.json")
        for order in range(1, count + 1):
            data = writer.proposal("", meeting["id"], order, city)
            data["slug"] = slug_of(data["topic"], taken)
            _dump(data, out / f"{data['slug']}.yaml", "proposal.schema.json")
    record_permalinks(out)
    return out


def record_permalinks(proposals_dir: Path) -> None:
    """Record every permalink of the corpus in its manifest, as `cppcc permalinks --update` does."""
    corpus = load_corpus(proposals_dir)
    permalinks.write_manifest(proposals_dir / permalinks.MANIFEST, permalinks.permalinks(corpus))


def make_project(project: Path, proposals_dir: Path, *, nav: bool = True,
                 search: bool = True, repo: Path = REPO) -> Path:
    """A buildable MkDocs project in `project`: the mkdocs.yml of `repo` (this checkout, by
    default; its plugin reading `proposals_dir`) and a copy of its docs/. `nav=False` drops our
    nav, so that Material lists every page in the sidebar (its default); `search=False` drops
    Material's search plugin. Returns the path of the written mkdocs.yml."""
    project.mkdir(parents=True, exist_ok=True)
    if (project / "docs").exists():
        shutil.rmtree(project / "docs")
    shutil.copytree(repo / "docs", project / "docs")
    text = (repo / "mkdocs.yml").read_text(encoding="utf-8")
    target = Path(proposals_dir).resolve().as_posix()
    text, found = re.subn(r"(?m)^(\s*proposals_dir:).*$", rf"\1 {target}", text)
    if not found:
        raise ValueError("mkdocs.yml has no proposals_dir to point at the corpus")
    if not nav:
        text = re.sub(r"(?m)^nav:\n(?:[ \t]+.*\n)+", "", text)
    if not search:
        text = re.sub(r"(?m)^  - search\n", "", text)
    config = project / "mkdocs.yml"
    config.write_text(text, encoding="utf-8")
    return config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder for the proposals (emptied first)")
    parser.add_argument("--n", type=int, default=100, help="number of proposals")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--meetings", type=int, default=None, help="number of meetings")
    parser.add_argument("--project", type=Path, help="also write a MkDocs project here")
    args = parser.parse_args(argv)
    generate(args.out, args.n, args.seed, args.meetings)
    corpus = load_corpus(args.out)
    if args.project:
        make_project(args.project, args.out)
    print(f"{len(corpus.proposals)} proposals in {len(corpus.meetings)} meetings: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
