"""Times the delegations list: p50/p95 and queries per request; exits 1 when a p95 is over the
budget or the number of queries is not the same for every page of a user's list.

    python -m bench.delegations_list [--requests 30] [--budget-ms 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/waishi_bench python -m bench.delegations_list

Generates the data set once (bench.generate_delegations: 200,000 delegations, 1,000,000 member
rows; reused on later runs), then requests the list page through Django's test client (the whole
middleware stack, session and template included) as an inspector (sees every delegation) and as
a department liaison (one subtree). Without the page (`delegations:list` not installed) it times
the selector, the paginator and reading a page instead.
"""

import argparse
import math
import statistics
import sys
import time

from bench import setup_django


def cases(year: int) -> list[tuple[str, str, dict]]:
    cases = [
        ("page 1", {}),
        ("deep page (4,000)", {"page": 4000}),
        ("country + year", {"country": "DE", "year": year}),
        ("country + year, page 20", {"country": "JP", "year": year, "page": 20}),
        ("status + country", {"status": "archived", "country": "KE"}),
    ]
    liaison = [
        ("page 1", {}),
        ("last page", {"page": 10_000}),
        ("country + year", {"country": "DE", "year": year}),
    ]
    return [("inspector", *c) for c in cases] + [("liaison", *c) for c in liaison]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


class PageTimer:
    """One request of the list page through the test client."""

    def __init__(self, user):
        from django.test import Client
        from django.urls import reverse

        self.client, self.url = Client(), reverse("delegations:list")
        self.client.force_login(user)

    def __call__(self, params: dict) -> None:
        response = self.client.get(self.url, params)
        assert response.status_code == 200, response.status_code


class SelectorTimer:
    """The list without its page: selector, paginator, one page of rows and their stops."""

    def __init__(self, user):
        self.user = user

    def __call__(self, params: dict) -> None:
        from django.core.paginator import Paginator

        from waishi.delegations.selectors import delegations_for_user

        filters = {k: v for k, v in params.items() if k != "page"}
        page = Paginator(delegations_for_user(self.user, **filters), 25).get_page(
            params.get("page")
        )
        for row in page.object_list:
            _ = (row.organising_unit.name, row.leader, [s.country for s in row.stops.all()])


def measure(timer, params: dict, requests: int) -> tuple[list[float], int]:
    from django.db import connection

    for _ in range(3):  # warm caches and connections; not measured
        timer(params)
    queries = []  # counted with a wrapper: a request resets Django's own query log

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        timer(params)
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        timer(params)
        samples.append((time.perf_counter() - started) * 1000)
    return samples, len(queries)


def make_timer(user):
    from django.urls import NoReverseMatch

    try:
        return PageTimer(user), "page"
    except NoReverseMatch:
        return SelectorTimer(user), "selector"


def run(requests: int, budget_ms: float) -> int:
    from django.utils import timezone

    from bench.generate_delegations import generate
    from waishi.core.models import User

    generate()
    timers, failed, counts = {}, False, {}
    for role in ("inspector", "liaison"):
        timers[role], how = make_timer(User.objects.get(username=f"bench-{role}"))
    print(f"timing the {how}; {requests} requests per case")
    print(f"{'as':<10} {'case':<26} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for role, label, params in cases(timezone.localdate().year - 3):
        samples, queries = measure(timers[role], params, requests)
        p50, p95 = statistics.median(samples), percentile(samples, 0.95)
        over = p95 > budget_ms
        failed |= over
        counts.setdefault(role, set()).add(queries)
        flag = "  OVER BUDGET" if over else ""
        print(f"{role:<10} {label:<26} {p50:8.1f} {p95:8.1f} {queries:8d}{flag}")
    for role, seen in counts.items():
        if len(seen) > 1:
            failed = True
            print(f"NOT CONSTANT: {role}'s list took {sorted(seen)} queries depending on the page")
    return 1 if failed else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30, help="timed requests per case")
    parser.add_argument("--budget-ms", type=float, default=200.0, help="p95 limit per case")
    args = parser.parse_args(argv)
    print(f"database: {setup_django()}")
    return run(args.requests, args.budget_ms)


if __name__ == "__main__":
    sys.exit(main())
