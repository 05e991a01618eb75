"""Requests a hostile or careless client might send, built from the published OpenAPI schema:
the operations and their typed parameters, values at and beyond the edges of those types, and
hypothesis strategies that combine them into whole requests."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import quote_from_bytes

from hypothesis import strategies as st

HUGE = 2**80
BOUNDARY_INTEGERS = [0, -1, 2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, -(2**63) - 1]
HOSTILE_TEXT = [
    "",
    " ",
    "-0",
    "1.5",
    "1e309",
    "NaN",
    "-inf",
    "true",
    "null",
    "[]",
    "{}",
    "' OR '1'='1",
    "1; DROP TABLE core_user; --",
    "%",
    "%00",
    "\\",
    "\x00",
    "a\x00b",
    "\u202eevil",
    "😀",
    "张伟",
    "ＳＷＪ",
    "9" * 400,
    "-" + "9" * 400,
    "x" * 10_000,
]
RAW_QUERY_JUNK = ["", "&", "&&=&", "=", "%", "%zz", "a=%ff%fe", ";", "a=1;b=2", "q"]


@dataclass
class Operation:
    path: str
    query: list[dict]
    path_params: dict[str, dict] = field(default_factory=dict)


@dataclass
class FuzzRequest:
    caller: str
    url: str
    query_string: str
    headers: dict


def get_operations(schema: dict) -> list[Operation]:
    operations = []
    for path, item in sorted(schema["paths"].items()):
        if "get" not in item:
            continue
        params = item["get"].get("parameters", [])
        resolved = [{**p, "schema": resolve(schema, p.get("schema", {}))} for p in params]
        operations.append(
            Operation(
                path=path,
                query=[p for p in resolved if p["in"] == "query"],
                path_params={p["name"]: p["schema"] for p in resolved if p["in"] == "path"},
            )
        )
    return operations


def resolve(schema: dict, node: dict) -> dict:
    """The parameter's own schema: `$ref` followed, `anyOf: [X, null]` reduced to X."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return resolve(schema, schema["components"]["schemas"][name])
    for option in node.get("anyOf", ()):
        if option.get("type") != "null":
            return resolve(schema, {**node, **option, "anyOf": ()})
    return node


def utf8(text: str) -> bytes:
    # Lone surrogates become invalid UTF-8 on the wire, as a broken client would send them.
    return text.encode("utf-8", "surrogatepass")


def hostile_text():
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.text(max_size=40),
        st.integers(-HUGE, HUGE).map(str),
    ).map(utf8)


def integers_within(schema: dict, known_ids: list[int]):
    """Integers the schema accepts, a third of them its edges (without a maximum: 2**63 and
    beyond, where databases overflow), a third ids of real rows."""
    low, high = bounds(schema)
    edges = [n for n in (low, high, *BOUNDARY_INTEGERS) if low <= n <= high]
    ids = [n for n in known_ids if low <= n <= high] or edges
    return st.one_of(st.integers(low, high), st.sampled_from(edges), st.sampled_from(ids))


def bounds(schema: dict) -> tuple[int, int]:
    low = schema.get("minimum", schema.get("exclusiveMinimum", -HUGE - 1) + 1)
    high = schema.get("maximum", schema.get("exclusiveMaximum", HUGE + 1) - 1)
    return low, high


def integers_outside(schema: dict):
    low, high = bounds(schema)
    edges = [n for n in (low - 1, high + 1) if abs(n) <= HUGE]
    return st.one_of(st.sampled_from(edges or BOUNDARY_INTEGERS), st.integers(-HUGE, HUGE))


def valid_values(schema: dict, known_ids: list[int]):
    """Values validation accepts, so the view behind it runs with them."""
    if "enum" in schema:
        return st.sampled_from([utf8(str(v)) for v in schema["enum"]])
    kind = schema.get("type")
    if kind == "integer":
        return integers_within(schema, known_ids).map(lambda n: str(n).encode())
    if kind == "boolean":
        return st.sampled_from([b"true", b"false", b"1", b"0", b"on", b"off"])
    if "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True).map(utf8)
    text = st.one_of(st.text(max_size=schema.get("maxLength", 40)), st.sampled_from(HOSTILE_TEXT))
    return text.filter(lambda t: len(t) <= schema.get("maxLength", HUGE)).map(utf8)


def invalid_values(schema: dict):
    outside = integers_outside(schema).map(lambda n: str(n).encode())
    return st.one_of(hostile_text(), outside) if schema.get("type") == "integer" else hostile_text()


def encode_pairs(pairs) -> str:
    return "&".join(f"{quote_from_bytes(k)}={quote_from_bytes(v)}" for k, v in pairs)


@st.composite
def query_strings(draw, params: list[dict], known_ids: list[int]) -> str:
    """Mostly valid parameters, so the view runs, with at most one hostile one among them."""
    names = [p["name"] for p in params]
    hostile = draw(st.sampled_from([None, *names]))
    pairs = []
    for param in params:
        schema = param["schema"]
        if param["name"] == hostile:
            repeats, values = draw(st.sampled_from([1, 1, 2])), invalid_values(schema)
        else:
            repeats, values = draw(st.sampled_from([0, 1])), valid_values(schema, known_ids)
        pairs += [(param["name"].encode(), draw(values)) for _ in range(repeats)]
    if draw(st.integers(0, 7)) == 0:
        pairs.append((draw(hostile_text()), draw(hostile_text())))
    junk = draw(st.sampled_from(RAW_QUERY_JUNK))
    return "&".join(part for part in (encode_pairs(pairs), junk) if part)


def path_values(schema: dict, known_ids: list[int]):
    typed = valid_values(schema, known_ids) if schema.get("type") else st.nothing()
    return st.one_of(typed, invalid_values(schema))


def authorization_headers():
    garbage = st.text(max_size=60).map(lambda t: t.encode("utf-8").decode("latin-1"))
    return st.one_of(
        st.sampled_from(["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "bearer wsk_x", "Token x"]),
        garbage.map(lambda t: f"Bearer {t}"),
        garbage.map(lambda t: f"Bearer wsk_{t}"),
        garbage,
    )


def url_for(operation: Operation, values: dict[str, bytes]) -> str:
    url = operation.path
    for name, value in values.items():
        url = url.replace("{" + name + "}", quote_from_bytes(value, safe=""))
    return url


def hostile_values(schema: dict) -> list[bytes]:
    """Every hostile value worth trying once on a parameter of this schema, in a fixed order."""
    low, high = bounds(schema)
    numbers = [*BOUNDARY_INTEGERS, HUGE, -HUGE, low - 1, low, high, high + 1]
    values = [str(n).encode() for n in numbers] + [utf8(t) for t in HOSTILE_TEXT]
    return list(dict.fromkeys(values))


def sweep(operation: Operation, known_id: int) -> Iterator[tuple[str, str]]:
    """(url, query string) pairs: each parameter in turn given each hostile value, the path's
    other parameters naming a real row."""
    real = {name: str(known_id).encode() for name in operation.path_params}
    for name, schema in operation.path_params.items():
        for value in hostile_values(schema):
            yield url_for(operation, {**real, name: value}), ""
    for param in operation.query:
        for value in hostile_values(param["schema"]):
            yield url_for(operation, real), encode_pairs([(param["name"].encode(), value)])


@st.composite
def fuzz_requests(draw, operation: Operation, callers: dict, known_ids: list[int]):
    caller = draw(st.sampled_from(sorted(callers)))
    values = {name: draw(path_values(s, known_ids)) for name, s in operation.path_params.items()}
    url = url_for(operation, values)
    headers = dict(callers[caller][1])
    if draw(st.integers(0, 3)) == 0:
        headers["HTTP_AUTHORIZATION"] = draw(authorization_headers())
    if draw(st.integers(0, 7)) == 0:
        headers["HTTP_ACCEPT_LANGUAGE"] = draw(st.sampled_from(["zh-Hans", "en;q=x", "*", ",,,"]))
    return FuzzRequest(caller, url, draw(query_strings(operation.query, known_ids)), headers)
