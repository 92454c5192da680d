"""What this backend shares with the TypeScript one, checked against its sources: the error
catalogue, the OpenAPI document, and the request schemas' answers (zod run by Node on a corpus)."""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any, Dict, List, Tuple

from tandem_api.auth.access_token import ACCESS_TOKEN_PATTERN, ACCESS_TOKEN_PREFIX, ACCESS_TOKEN_SCOPES
from tandem_api.db import REPO_ROOT
from tandem_api.errors import ERROR_CODES
from tandem_api.json_body import parse_json_text
from tandem_api.system import OPENAPI_FILE
from tandem_api.validation import TEAM_TASK_FIELDS, parse_list_query, parse_stats_query, parse_task_body

TSX = str(REPO_ROOT / "node_modules" / ".bin" / "tsx")


def test_the_error_catalogue_is_the_contracts_one() -> None:
    source = (REPO_ROOT / "packages" / "contracts" / "src" / "rules.ts").read_text("utf-8")
    entries = re.findall(r'^\s+([A-Z_]+): \{ status: (\d+), title: "([^"]+)" \},$', source, re.MULTILINE)
    assert {code: (int(status), title) for code, status, title in entries} == ERROR_CODES


def test_the_access_token_format_is_the_contracts_one() -> None:
    source = (REPO_ROOT / "packages" / "contracts" / "src" / "access-tokens.ts").read_text("utf-8")
    assert f'export const ACCESS_TOKEN_PREFIX = "{ACCESS_TOKEN_PREFIX}";' in source
    assert f"export const ACCESS_TOKEN_PATTERN = /^{ACCESS_TOKEN_PATTERN.pattern}$/;" in source
    assert f"export const ACCESS_TOKEN_SCOPES = {json.dumps(list(ACCESS_TOKEN_SCOPES))} as const;" in source


def test_the_openapi_document_is_the_typescript_apis() -> None:
    result = subprocess.run(
        [TSX, "scripts/openapi-json.ts"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(OPENAPI_FILE.read_text("utf-8")) == json.loads(result.stdout), (
        "regenerate: npx tsx scripts/openapi-json.ts > backends/fastapi/tandem_api/openapi.json"
    )


LONG = "x" * 201
BODIES = [
    "null", "[]", '"x"', "1", "true", "{}", '{"title":"ok"}', '{"title":""}', '{"title":"   "}', '{"title":"\\t\\r\\n"}',
    '{"title":"\\u3000\\u00a0x\\u2003"}', '{"title":"\\ufeffx\\ufeff"}', '{"title":"\\u001cx\\u0085"}', f'{{"title":"{LONG}"}}',
    '{"title":"' + "😀" * 200 + '"}', '{"title":"' + "😀" * 201 + '"}', '{"title":"a\\u0000b"}', '{"title":"\\ud800"}',
    '{"title":"\\ude00\\ud83d"}', '{"title":"\\ud83d\\ude00"}', '{"title":"\\ud800\\u0001"}', '{"title":"a\\nb"}',
    '{"title":"a\\u007fb"}', '{"title":"a\\u009bb"}', '{"title":1}', '{"title":null}', '{"title":[]}', '{"title":{}}', '{"title":false}',
    '{"title":"x","description":null}', '{"title":"x","description":"a\\tb\\r\\nc"}', '{"title":"x","description":"a\\u0001"}',
    '{"title":"x","description":5}', '{"title":"x","description":"' + "y" * 5001 + '"}', '{"title":"x","completed":"true"}',
    '{"title":"x","completed":1}', '{"title":"x","completed":null}', '{"title":"x","completed":[true]}', '{"title":"x","completed":1e400}',
    '{"title":"x","completed":-1e400}', '{"title":"x","priority":"HIGH"}', '{"title":"x","priority":" high"}', '{"title":"x","priority":2}',
    '{"title":"x","priority":null}', '{"title":"x","priority":"low"}', '{"title":"x","dueAt":null}', '{"title":"x","dueAt":1893456000000}',
    '{"title":"x","dueAt":"2030-01-01"}', '{"title":"x","dueAt":"2030-01-01T00:00:00"}', '{"title":"x","dueAt":"2030-01-01 00:00:00Z"}',
    '{"title":"x","dueAt":"tomorrow"}', '{"title":"x","dueAt":""}', '{"title":"x","dueAt":true}', '{"title":"x","dueAt":{"at":1}}',
    '{"title":"x","dueAt":"2030-02-30T00:00:00Z"}', '{"title":"x","dueAt":"2031-02-29T00:00:00Z"}', '{"title":"x","dueAt":"2032-02-29T00:00:00Z"}',
    '{"title":"x","dueAt":"2030-13-01T00:00:00Z"}', '{"title":"x","dueAt":"2030-01-01T24:00:00Z"}', '{"title":"x","dueAt":"2030-01-01T00:60:00Z"}',
    '{"title":"x","dueAt":"2030-01-01T00:00:00+24:00"}', '{"title":"x","dueAt":"0000-01-01T00:00:00Z"}', '{"title":"x","dueAt":"0001-01-01T00:30:00+01:00"}',
    '{"title":"x","dueAt":"9999-12-31T23:00:00-05:00"}', '{"title":"x","dueAt":"0001-01-01T00:00:00Z"}', '{"title":"x","dueAt":"9999-12-31T23:59:59.9999Z"}',
    '{"title":"x","dueAt":"2030-06-30T23:59:59.5Z"}', '{"title":"x","dueAt":"2030-01-01T10:00:00+02:00"}', '{"title":"x","dueAt":"2030-01-01T00:00:00-05:30"}',
    '{"title":"x","dueAt":"2030-01-01t00:00:00z"}', '{"title":"x","dueAt":"2030-01-01T00:00Z"}', '{"title":"x","dueAt":"+002030-01-01T00:00:00Z"}',
    '{"title":"x","dueAt":"2030-01-01T10:00:00+0200"}', '{"title":"x","dueAt":"２０３０-01-01T00:00:00Z"}',
    '{"title":1,"completed":"yes","priority":3,"extra":true}', '{"title":"x","__proto__":null}', '{"__proto__":{"title":"x"}}',
    '{"title":"x","constructor":{"prototype":{}}}', '{"b":1,"2":1,"1":1,"title":"x"}', '{"title":5,"foo":1}', '{"foo":1}', '{"title":"","foo":1}',
    '{"description":"only"}', '{"description":null}', '{"completed":"x"}', '{"priority":"x","foo":1}', '{"dueAt":"bad"}',
    '{"dueAt":"bad","foo":1}', '{"description":5,"foo":1}', '{"title":"   ","foo":1}', '{"title":"\ud800"}', '{"foo":1,"bar":2}', '{"completed":false}', '{"title":"x","userId":"y","id":"z"}', '{"Title":"x"}',
]  # fmt: skip
QUERIES: List[Dict[str, str]] = [
    {}, {"status": "done"}, {"status": "ALL"}, {"status": ""}, {"status": "active"}, {"sort": "name"}, {"sort": "title", "order": "desc"},
    {"order": "ASC"}, {"order": ""}, {"limit": "0"}, {"limit": "abc"}, {"limit": "1e2"}, {"limit": "-1"}, {"limit": "1.5"}, {"limit": " 5"},
    {"limit": "+5"}, {"limit": "0x10"}, {"limit": ""}, {"limit": "1000000"}, {"limit": "999999"}, {"limit": "007"}, {"limit": "１０"},
    {"q": ""}, {"q": "  buy  "}, {"q": "a" * 201}, {"q": "a\u0000b"}, {"q": "a\nb"}, {"q": "\ud800"}, {"cursor": "x" * 4097},
    {"cursor": "😀" * 2049}, {"userId": "x"}, {"__proto__": "x"}, {"b": "1", "2": "1", "status": "bad"}, {"foo": "1", "status": "bad", "limit": "0"},
]  # fmt: skip


# The team bodies: every task body above, plus the assignee (teams.ts).
TEAM_BODIES = BODIES + [
    '{"title":"x","assigneeId":null}', '{"title":"x","assigneeId":"abc_DEF-123"}', '{"title":"x","assigneeId":""}',
    '{"title":"x","assigneeId":"a b"}', '{"title":"x","assigneeId":"' + "a" * 64 + '"}', '{"title":"x","assigneeId":"' + "a" * 65 + '"}',
    '{"title":"x","assigneeId":5}', '{"title":"x","assigneeId":["a"]}', '{"title":"x","assigneeId":"a\\u0000"}', '{"title":"x","assigneeId":"é"}', '{"title":"x","assigneeId":"abc\\n"}',
    '{"assigneeId":null}', '{"assigneeId":"ok"}', '{"assigneeId":"!"}', '{"assigneeId":1,"foo":1}', '{"assigneeId":"!","title":""}',
    '{"title":1,"assigneeId":"!","extra":true}', '{"assigneeid":"x"}', '{"foo":1,"assigneeId":"x"}',
]  # fmt: skip


def zod_answers(cases: List[Tuple[str, str]]) -> List[Dict[str, Any]]:
    lines = "".join(json.dumps({"schema": schema, "raw": raw}) + "\n" for schema, raw in cases)
    result = subprocess.run(
        [TSX, "backends/fastapi/tests/zod-parity.ts"], cwd=REPO_ROOT, input=lines, capture_output=True, text=True, timeout=120, check=True
    )
    return [json.loads(line) for line in result.stdout.splitlines()]


def python_answer(schema: str, raw: str) -> Dict[str, Any]:
    value = parse_json_text(raw)
    if schema in ("create", "update"):
        data, errors = parse_task_body(value, partial=schema == "update")
    elif schema in ("teamCreate", "teamUpdate"):
        data, errors = parse_task_body(value, partial=schema == "teamUpdate", fields=TEAM_TASK_FIELDS)
    elif schema == "list":
        data, errors = parse_list_query(value)
        data = {k: v for k, v in data.items() if v is not None}
    else:
        q, errors = parse_stats_query(value)
        data = {} if q is None else {"q": q}
    keep_nulls = schema in ("create", "update", "teamCreate", "teamUpdate")
    return {"errors": errors} if errors else {"data": {k: v for k, v in data.items() if v is not None or keep_nulls}}


def test_request_schemas_answer_exactly_as_zod_does() -> None:
    cases = [(schema, raw) for raw in BODIES for schema in ("create", "update")]
    cases += [(schema, raw) for raw in TEAM_BODIES for schema in ("teamCreate", "teamUpdate")]
    cases += [(schema, json.dumps(query)) for query in QUERIES for schema in ("list", "stats")]
    expected = zod_answers(cases)
    mismatches = [
        f"{schema} {raw[:80]}\n  zod:    {want}\n  python: {got}"
        for (schema, raw), want in zip(cases, expected)
        if (got := python_answer(schema, raw)) != want
    ]
    assert len(expected) == len(cases)
    assert not mismatches, "\n".join(mismatches)
