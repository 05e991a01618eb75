"""`waishi policy check PLAN.json [--json]`: check a planned delegation against the rule set and
price it with the per-diem table.

Needs no Django settings: on a machine with no installation it uses the shipped rule set and
table. Where an installation is configured (SECRET_KEY in the environment, or a data dir made by
`waishi demo`), it checks against the rule set and table the administrator put in force.

Exit 0: no blocking finding; 3: blocked; 2: the plan cannot be read or is invalid (one line on
stderr saying why).

Besides the plan format of ARCHITECTURE.md, a plan may carry the organising unit's evaluation
record (DOMAIN.md §2), which the rule of kind `evaluation_record` reads; without it that rule is
listed in `not_checked`:

    "unit_record": {
      "failed": [{"title": "大阪经贸考察", "returned": "2025-03-08", "year": 2025, "total": 52.5}],
      "overdue_follow_ups": [{"title": "汉堡港口合作考察", "due_on": "2025-11-20"}]
    }

`failed` lists the unit's delegations graded fail; each field but the object itself is optional,
and one with a `returned` date counts only when it returned within the rule's window
(`window_months`) before `submitted_on` (or `leave_china` when the plan has no submission date).
`overdue_follow_ups` is a list of follow-ups not sent in (one with a `due_on` counts when that
date is before the same day) or just their number, e.g. `"overdue_follow_ups": 2`.
"""

from __future__ import annotations

import argparse
import json
import sys

from waishi.policy.engine import CheckResult, PlanError, check, default_ruleset, parse_plan
from waishi.policy.engine.rules import RANK_ZH

EXIT_OK, EXIT_INVALID, EXIT_BLOCKED = 0, 2, 3
SEVERITY_ZH = {"block": "阻断", "warn": "提醒", "info": "说明"}
AIR_CLASS_ZH = {"first": "头等舱", "business": "公务舱", "economy": "经济舱"}
KIND_ZH = {
    "lodging": "住宿费",
    "meals": "伙食费",
    "incidentals": "公杂费",
    "international_travel": "国际旅费",
    "intercity_travel": "国外城市间交通费",
    "other": "其他费用",
}


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, like every other refusal of this command
        raise UsageError(f"policy check: {message} (usage: waishi policy check PLAN.json [--json])")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="waishi policy check",
        description="Check a planned delegation (JSON, format in ARCHITECTURE.md) against the rule "
        "set and price it with the per-diem table. Exit 0: no blocking finding; 3: blocked; "
        "2: unreadable or invalid plan.",
    )
    parser.add_argument("plan", metavar="PLAN.json", help="the plan file, or - for standard input")
    parser.add_argument(
        "--json",
        action="store_true",
        help='print {"compliant", "findings", "not_checked", "budget"} as JSON',
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        plan = parse_plan(read_json(args.plan))
    except (UsageError, PlanError) as exc:
        print(f"waishi: {exc}", file=sys.stderr)
        return EXIT_INVALID
    ruleset, table = installed_policy()
    result = check(plan, ruleset, table=table)
    _ensure_unicode_stdout()
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(report(plan.title, result))
    return EXIT_OK if result.compliant else EXIT_BLOCKED


def installed_policy():
    """(rule set, per-diem table) in force in the configured installation, or (None, None)."""
    import os

    from waishi.cli import data_dir, use_demo_settings_if_demo_dir

    if not (os.environ.get("SECRET_KEY") or (data_dir() / "demo").exists()):
        return None, None
    try:
        use_demo_settings_if_demo_dir()
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waishi.config.settings")
        import django

        django.setup()
        from waishi.policy.selectors import active_per_diem_table, active_ruleset

        return active_ruleset(), active_per_diem_table()
    except Exception as exc:  # no database reachable or not migrated: the shipped rules answer
        print(
            f"waishi: note: using the shipped rule set ({exc.__class__.__name__})", file=sys.stderr
        )
        return None, None


def read_json(path: str) -> object:
    name = "standard input" if path == "-" else path
    try:
        if path == "-":
            text = sys.stdin.buffer.read().decode("utf-8-sig")
        else:
            with open(path, encoding="utf-8-sig") as handle:
                text = handle.read()
    except FileNotFoundError:
        raise PlanError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise PlanError(f"{name}: is a directory, not a plan file") from None
    except PermissionError:
        raise PlanError(f"{name}: permission denied") from None
    except UnicodeDecodeError:
        raise PlanError(f"{name}: not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(
            f"{name}: not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    except RecursionError:
        raise PlanError(f"{name}: JSON nested too deeply") from None


def report(title: str, result: CheckResult) -> str:
    ruleset = default_ruleset()
    titles = {rule.id: rule.title_zh for rule in ruleset.rules}
    blocks = sum(finding.severity == "block" for finding in result.findings)
    verdict = "符合规定（无阻断项）" if result.compliant else f"不符合规定：{blocks}项阻断"
    lines = [
        f"出访计划合规检查：{title or '（未命名）'}",
        f"规则集：{result.ruleset}",
        f"结论：{verdict}",
    ]
    if result.findings:
        lines.append("\n检查发现：")
        for finding in result.findings:
            name = titles.get(finding.rule, finding.rule)
            lines.append(f"  [{SEVERITY_ZH[finding.severity]}] {name}：{finding.message}")
            lines.append(f"      依据：{finding.basis}")
    if result.not_checked:
        lines.append("\n未能检查（计划缺少相关信息）：")
        for entry in result.not_checked:
            lines.append(f"  - {titles.get(entry.rule, entry.rule)}：{entry.reason}")
    lines += budget_lines(result.budget)
    return "\n".join(lines)


def budget_lines(budget: dict) -> list[str]:
    lines = [
        f"\n经费标准（{budget['table']}）：在外{budget['days']}天，住宿{budget['nights']}晚",
    ]
    for currency, amounts in budget["standard"].items():
        lines.append(f"  标准 {currency}：{amounts_text(amounts)}")
    for currency, amounts in budget["claimed"].items():
        lines.append(f"  申报 {currency}：{amounts_text(amounts)}")
    for item in budget["over_standard"]:
        lines.append(
            f"  超标 {KIND_ZH[item['kind']]}：申报{item['claimed']}，标准{item['standard']}，"
            f"超出{item['excess']} {item['currency']}"
        )
    classes = "；".join(
        f"{m['name']}（{RANK_ZH[m['rank']]}）{AIR_CLASS_ZH.get(m['air_class'], m['air_class'])}"
        for m in budget["air_class"]
    )
    lines.append(f"  机票舱位：{classes}")
    return lines


def amounts_text(amounts: dict) -> str:
    return "，".join(f"{KIND_ZH.get(kind, kind)} {value}" for kind, value in amounts.items())


def _ensure_unicode_stdout() -> None:
    """Chinese text must not crash on a C/ASCII locale; other encodings (GBK consoles) are kept."""
    encoding = (getattr(sys.stdout, "encoding", "") or "").lower()
    if encoding in ("ascii", "ansi_x3.4-1968", "us-ascii") and hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
