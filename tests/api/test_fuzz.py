"""Whatever a caller sends to a GET operation of the API, it answers JSON and never a 500.

The operations come from the published OpenAPI schema, so a new endpoint is fuzzed the day its
router is added. Two passes: every parameter meets every hostile value once (huge and negative
numbers, the edges of its type, unicode, NUL bytes, SQL-ish and very long text), then hypothesis
combines valid and hostile values, repeated and unknown keys, invalid UTF-8 and garbage
Authorization headers, sent with a browser session, a personal token or no credentials.
A bug in a view is re-raised by the test client, so it fails here with its traceback.
"""

from django.db import transaction
from hypothesis import HealthCheck, given, settings

from tests.api.strategies import FuzzRequest, Operation, fuzz_requests, get_operations, sweep
from waishi.core.models import Unit
from waishi.people.models import Person

# Generated requests shared among the operations, so the test stays near ten seconds however
# many endpoints the API grows, with a floor per operation.
REQUEST_BUDGET = 480
MIN_EXAMPLES_PER_OPERATION = 30


def assert_answers_json_without_failing(response, request) -> None:
    assert response.status_code < 500, (request, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), (request, response)
    body = response.json()
    assert isinstance(body, dict), (request, body)
    if response.status_code >= 400:
        assert isinstance(body.get("detail"), str) and body["detail"], (request, body)
    else:
        assert response.status_code == 200, (request, response.status_code)


def send(client, url: str, query_string: str, headers: dict):
    # A savepoint per request: one failed query cannot poison the next one on PostgreSQL.
    try:
        with transaction.atomic():
            return client.get(url, QUERY_STRING=query_string, **headers)
    except Exception as exc:
        raise AssertionError(f"GET {url}?{query_string} raised") from exc


def known_ids() -> list[int]:
    people = Person.objects.values_list("pk", flat=True)
    return sorted({*people, *Unit.objects.values_list("pk", flat=True)})


def fuzz_operation(operation: Operation, callers: dict, ids: list[int], examples: int):
    # Built inside the test so hypothesis never sees pytest's function-scoped fixtures; the
    # rows they made are shared, read-only, by every example.
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(request=fuzz_requests(operation, callers, ids))
    def fuzz(request: FuzzRequest):
        client = callers[request.caller][0]
        response = send(client, request.url, request.query_string, request.headers)
        assert_answers_json_without_failing(response, request)

    fuzz()


def test_the_schema_lists_the_operations_and_typed_parameters_to_fuzz(openapi):
    operations = get_operations(openapi)
    assert {op.path for op in operations} >= {"/api/v1/people/", "/api/v1/units/"}
    assert any(op.path_params for op in operations)
    assert any(p["schema"].get("type") == "integer" for op in operations for p in op.query)
    assert any("enum" in p["schema"] for op in operations for p in op.query)


def test_every_parameter_survives_every_hostile_value(openapi, callers, commerce_people):
    known_id = commerce_people[0].pk
    for operation in get_operations(openapi):
        for n, (url, query_string) in enumerate(sweep(operation, known_id)):
            caller = ("session", "token")[n % 2]  # both ways in; the view code is the same
            client, headers = callers[caller]
            response = send(client, url, query_string, headers)
            assert_answers_json_without_failing(response, (caller, url, query_string))


def test_every_generated_get_request_is_answered_with_json_and_never_a_server_error(
    openapi, callers, commerce_people, teacher
):
    operations = get_operations(openapi)
    examples = max(MIN_EXAMPLES_PER_OPERATION, REQUEST_BUDGET // len(operations))
    ids = known_ids()
    for operation in operations:
        fuzz_operation(operation, callers, ids, examples)
