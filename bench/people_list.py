"""Times the people list page: p50/p95 per case; exits 1 when a p95 is over the budget.

    python -m bench.people_list [--requests 40] [--budget-ms 150]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/waishi_bench python -m bench.people_list

Cases marked * (a whole-city sort by rank or unit, which sorts every row) are reported but not
held to the budget. Generates 300 units and 100,000 people once (reused on later runs), then
requests the list through Django's test client (the whole middleware stack, session and
template included) as an inspector (sees everyone) and as a department liaison (one subtree).
"""

import argparse
import math
import statistics
import sys
import time

from bench import setup_django


def cases(root_department, section_unit, id_number):
    inspector = [
        ("page 1", {}),
        ("page 500", {"page": 500}),
        ("rank + unit filter", {"rank": "county", "unit": root_department, "subunits": "on"}),
        ("search term", {"q": "王伟"}),
        ("search passport spelling", {"q": "ZHANG W"}),
        ("filter + search, page 2", {"q": "李", "rank": "section", "page": 2}),
        ("search ID number", {"q": id_number}),
        ("sort by rank, page 500 *", {"sort": "rank", "page": 500}),
        ("sort by unit, page 500 *", {"sort": "-unit", "page": 500}),
    ]
    liaison = [
        ("page 1", {}),
        ("last page", {"page": 10_000}),
        ("rank + unit filter", {"rank": "section", "unit": section_unit, "subunits": "on"}),
        ("search term", {"q": "王"}),
    ]
    return [("inspector", *case) for case in inspector] + [("liaison", *case) for case in liaison]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def time_case(client, url: str, params: dict, requests: int) -> list[float]:
    for _ in range(3):  # warm caches and connections; not measured
        assert client.get(url, params).status_code == 200
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url, params)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return samples


def run(requests: int, budget_ms: float) -> int:
    from django.test import Client
    from django.urls import reverse

    from bench.generate import generate
    from waishi.core.models import Unit, User
    from waishi.people.models import Person

    generate()
    clients = {}
    for role in ("inspector", "liaison"):
        clients[role] = Client()
        clients[role].force_login(User.objects.get(username=f"bench-{role}"))
    department = Unit.objects.get(code="BENCH-1")
    section = Unit.objects.filter(parent=department).order_by("pk").first()
    id_number = Person.objects.filter(unit__code__startswith="BENCH").first().id_number
    url, failed = reverse("people:list"), False
    print(f"{'as':<10} {'case':<28} {'p50 ms':>8} {'p95 ms':>8}   (* informational: no budget)")
    for role, label, params in cases(department.pk, section.pk, id_number):
        samples = time_case(clients[role], url, params, requests)
        p50, p95 = statistics.median(samples), percentile(samples, 0.95)
        over = p95 > budget_ms
        failed |= over and not label.endswith("*")
        print(f"{role:<10} {label:<28} {p50:8.1f} {p95:8.1f}{'  OVER BUDGET' if over else ''}")
    return 1 if failed else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40, help="timed requests per case")
    parser.add_argument("--budget-ms", type=float, default=150.0, help="p95 limit per case")
    args = parser.parse_args(argv)
    print(f"database: {setup_django()}")
    return run(args.requests, args.budget_ms)


if __name__ == "__main__":
    sys.exit(main())
