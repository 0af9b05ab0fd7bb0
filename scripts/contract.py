#!/usr/bin/env python3
"""Contract test of the machine API: every operation of /api/v1/openapi.json
is called by schemathesis (examples, then generated and boundary inputs)
against a running server, and every answer must match the document (status
codes, content types, bodies) and never be a server error.

Usage: contract.py BASE_URL [extra schemathesis arguments]
The server must run the demonstration data (BAOCAO_DEMO=true): the
administrator signs in through the web form, as a person would, and creates
a write token for the machine account `phanmem.xa` (its commune), which
schemathesis then uses. Exit code: schemathesis's.
"""

import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request
import http.cookiejar
import json
import tempfile

ADMIN, PASSWORD = "quantri", "BaoCao@2025"
OFFICE = "VPUBND"
# One account per run: the script may run again against the same database.
MACHINE = f"kiemthu.{os.getpid()}"


def opener():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def csrf_of(o, url):
    html = o.open(url).read().decode()
    m = re.search(r'name="csrf"[^>]*value="([^"]+)"', html) or re.search(r'value="([^"]+)"[^>]*name="csrf"', html)
    if not m:
        sys.exit(f"no CSRF field on {url}")
    return m.group(1)


def post(o, url, fields):
    data = urllib.parse.urlencode(fields).encode()
    req = urllib.request.Request(url, data=data, headers={"Accept": "application/json"})
    try:
        with o.open(req) as r:
            return r.read().decode()
    except urllib.error.HTTPError as e:
        sys.exit(f"{url}: HTTP {e.code}: {e.read().decode()[:500]}")


def write_token(base):
    """Signs in as the administrator, makes a machine account (the demo has
    none) and a token that may send figures for the commune 03646."""
    o = opener()
    post(o, f"{base}/api/dang-nhap", {"csrf": csrf_of(o, f"{base}/dang-nhap"), "username": ADMIN, "password": PASSWORD})
    units = json.loads(o.open(f"{base}/api/quan-tri/don-vi-chon").read().decode())
    office = next(u["id"] for u in units if u["code"] == OFFICE)
    csrf = csrf_of(o, f"{base}/quan-tri/api")
    post(
        o,
        f"{base}/api/quan-tri/nguoi-dung/tao",
        {"csrf": csrf, "username": MACHINE, "full_name": "Phần mềm kiểm thử hợp đồng", "role": "machine", "unit_id": office, "password": "MayKhach@2025x"},
    )
    made = post(
        o,
        f"{base}/api/quan-tri/api/tao",
        {"csrf": csrf, "username": MACHINE, "name": "Kiểm thử hợp đồng API", "write_units": "03646"},
    )
    return json.loads(made)["token"]


def a_report_of_the_commune(base, token):
    """A report the token may read and write, so the operations on
    /reports/{id}/values reach their logic instead of answering 404."""
    req = urllib.request.Request(f"{base}/api/v1/reports?unit=03646&limit=1", headers={"Authorization": f"Bearer {token}"})
    items = json.loads(urllib.request.urlopen(req).read().decode())["reports"]
    if not items:
        sys.exit("the demonstration data has no report of 03646")
    return items[0]["id"]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    base = sys.argv[1].rstrip("/")
    token = write_token(base)
    report = a_report_of_the_commune(base, token)
    config = tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False)
    config.write(f'[parameters]\n"path.id" = {report}\n')
    config.close()
    st = os.environ.get("SCHEMATHESIS", "st")
    cmd = [
        st, "--config-file", config.name, "run", f"{base}/api/v1/openapi.json",
        "--url", base,
        "-H", f"Authorization: Bearer {token}",
        "--checks", os.environ.get("CONTRACT_CHECKS", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance"),
        "--phases", "examples,coverage,fuzzing",
        "--workers", "1",
        "--seed", "20251",
        "--request-timeout", "30",
        *sys.argv[2:],
    ]
    print("schemathesis:", " ".join(c if "Bearer" not in c else "Authorization: Bearer ***" for c in cmd[1:]), f"(report {report})", flush=True)
    try:
        return subprocess.call(cmd)
    finally:
        os.unlink(config.name)


if __name__ == "__main__":
    sys.exit(main())
