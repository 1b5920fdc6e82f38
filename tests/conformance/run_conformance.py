#!/usr/bin/env python3
"""Replay the recorded Confluent Schema Registry 7.9 answers against a live
registry and compare.

The corpus (scenarios.json, golden.json, allowed.json) lives in
../shared/conformance; its README.md defines the format, the symbolic ids,
the reset procedure and the loose comparisons implemented here.

    run_conformance.py --url http://127.0.0.1:8081            # Avro-only (43/928)
    run_conformance.py --url URL --all                         # all 62 scenarios
    run_conformance.py --url URL --scenario reg-avro versions  # some scenarios
    run_conformance.py --selftest                              # against fake_confluent

Output: one "name: P/T" line per scenario (T excludes skipped steps), a
"skipped: K" line, and last "N passed, M failed". Exit status is 0 only when
M is 0 (or always with --no-fail).

Python 3.11 standard library only.
"""

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse

DEFAULT_CT = "application/vnd.schemaregistry.v1+json"
# The corpus was recorded with urllib, which labels any request body that has
# no explicit Content-Type as a form; a step with `ct: ""` therefore reached
# Confluent with this type (and got 415), so it is what we send too.
IMPLICIT_CT = "application/x-www-form-urlencoded"
REQUEST_TIMEOUT = 30
SYM_REF = re.compile(r"\{\$id(\d+)\}")
MSG_ID = re.compile(r"(Schema |with id |input id )(-?\d+)")
NON_AVRO = re.compile(r'"schemaType"\s*:\s*"(JSON|PROTOBUF)"')
RESET_ROUNDS = 10


# ---------------------------------------------------------------- corpus

def default_shared_dir():
    src = os.environ.get("SCHEMAD_SRCDIR")
    if src:
        return os.path.join(src, "..", "shared")
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(here, "..", "..", "..", "shared")


def corpus_dir(shared):
    """Accept either the shared directory or its conformance subdirectory."""
    for d in (shared, os.path.join(shared, "conformance")):
        if os.path.isfile(os.path.join(d, "scenarios.json")):
            return d
    raise SystemExit(f"no scenarios.json in {shared} or {shared}/conformance")


def load_corpus(directory):
    def load(name):
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            return json.load(f)
    allowed = {e["step"]: e["cmp"] for e in load("allowed.json")}
    return load("scenarios.json"), load("golden.json"), allowed


def involves_non_avro(scenario):
    """True when any step body declares a JSON Schema or Protobuf schema."""
    for st in scenario["steps"] + scenario["teardown"]:
        text = st.get("raw", "")
        if "b" in st:
            text += json.dumps(st["b"])
        if NON_AVRO.search(text):
            return True
    return False


def select_scenarios(scenarios, names, run_all):
    if names:
        by_name = {sc["name"]: sc for sc in scenarios}
        unknown = [n for n in names if n not in by_name]
        if unknown:
            raise SystemExit(f"unknown scenario(s): {', '.join(unknown)}")
        wanted = set(names)
        return [sc for sc in scenarios if sc["name"] in wanted]
    if run_all:
        return list(scenarios)
    return [sc for sc in scenarios if not involves_non_avro(sc)]


# ---------------------------------------------------------------- contexts and ids

def context_of_subject(subject):
    """Context of a decoded (possibly qualified ':.ctx:name') subject."""
    if not subject.startswith(":."):
        return "."
    end = subject.find(":", 2)
    return subject[1:end] if end >= 0 else subject[1:]


def step_context(path):
    """A step's context: /contexts/{ctx}/..., else the subject in the path,
    else the `subject` query parameter, else '.'."""
    route, _, query = path.partition("?")
    segs = route.strip("/").split("/")
    if len(segs) > 1 and segs[0] == "contexts":
        ctx = urllib.parse.unquote(segs[1])
        return ctx if ctx.startswith(".") else "." + ctx
    for i, seg in enumerate(segs[:-1]):
        if seg == "subjects":
            return context_of_subject(urllib.parse.unquote(segs[i + 1]))
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        if key == "subject":
            return context_of_subject(urllib.parse.unquote(value))
    return "."


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


class IdMap:
    """(context, live id) <-> $idN, numbered in first-seen order per scenario.

    Because golden.json was symbolized the same way, a live answer that reuses
    an id where Confluent minted a new one (or the reverse) yields a different
    symbol and fails the comparison."""

    def __init__(self):
        self.to_sym = {}
        self.from_sym = {}

    def sym(self, ctx, live_id):
        key = (ctx, live_id)
        if key not in self.to_sym:
            n = len(self.to_sym) + 1
            self.to_sym[key] = f"$id{n}"
            self.from_sym[n] = live_id
        return self.to_sym[key]

    def subst_path(self, path):
        def repl(m):
            n = int(m.group(1))
            return str(self.from_sym[n]) if n in self.from_sym else m.group(0)
        return SYM_REF.sub(repl, path)

    def subst_body(self, value):
        if isinstance(value, str):
            m = SYM_REF.fullmatch(value)
            if m and int(m.group(1)) in self.from_sym:
                return self.from_sym[int(m.group(1))]
            return value
        if isinstance(value, list):
            return [self.subst_body(v) for v in value]
        if isinstance(value, dict):
            return {k: self.subst_body(v) for k, v in value.items()}
        return value


def symbolize(body, ids, ctx, id_list):
    """Replace live ids by symbols: `id`/`maxId` fields, ids named in
    `message` strings, or every integer of a list answer when `ids` is set.
    An object with a `subject` field puts its ids in that subject's context."""
    if id_list and isinstance(body, list):
        return [ids.sym(ctx, v) if is_int(v) else v for v in body]

    def walk(v, c):
        if isinstance(v, list):
            return [walk(x, c) for x in v]
        if not isinstance(v, dict):
            return v
        if isinstance(v.get("subject"), str):
            c = context_of_subject(v["subject"])
        out = {}
        for k, x in v.items():
            if k in ("id", "maxId") and is_int(x):
                out[k] = ids.sym(c, x)
            elif k == "message" and isinstance(x, str):
                out[k] = MSG_ID.sub(lambda m, c=c: m.group(1) + ids.sym(c, int(m.group(2))), x)
            else:
                out[k] = walk(x, c)
        return out
    return walk(body, ctx)


def keep_filter(body, keep):
    """Drop list entries (strings, or objects by `subject`) that other
    scenarios could have left: keep prefixes, or exact names written '=name'."""
    if not isinstance(body, list):
        return body

    def wanted(entry):
        if isinstance(entry, dict):
            entry = entry.get("subject", "")
        if not isinstance(entry, str):
            return False
        return any(entry == k[1:] if k.startswith("=") else entry.startswith(k) for k in keep)
    return [e for e in body if wanted(e)]


# ---------------------------------------------------------------- HTTP

class Client:
    """One fresh connection per request; paths go out exactly as given."""

    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise SystemExit(f"unsupported url: {url}")
        self.scheme = parts.scheme
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.prefix = parts.path.rstrip("/")

    def request(self, method, path, data=None, ct=None):
        """Returns (status, text); status 0 when no HTTP answer came."""
        cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        conn = cls(self.host, self.port, timeout=REQUEST_TIMEOUT)
        headers = {"Connection": "close"}
        if data is not None:
            headers["Content-Type"] = ct if ct else IMPLICIT_CT
        try:
            conn.request(method, self.prefix + path, body=data, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as e:
            return 0, f"connection error: {e!r}"
        finally:
            conn.close()


def parse_body(text):
    if not text.strip():
        return {"text": text}
    try:
        return json.loads(text)
    except ValueError:
        return {"text": text}


def encode_step_body(st, ids):
    if "raw" in st:
        return st["raw"].encode("utf-8")
    if "b" in st:
        return json.dumps(ids.subst_body(st["b"])).encode("utf-8")
    return None


def send_step(client, st, ids):
    """Send one step; returns (request description, symbolized answer)."""
    path = ids.subst_path(st["p"])
    data = encode_step_body(st, ids)
    status, text = client.request(st["m"], path, data, st.get("ct", DEFAULT_CT))
    body = parse_body(text)
    if "keep" in st:
        body = keep_filter(body, st["keep"])
    body = symbolize(body, ids, step_context(st["p"]), st.get("ids", False))
    req = {"m": st["m"], "p": path}
    if data is not None:
        req["body"] = data.decode("utf-8")
    return req, {"status": status, "body": body}


# ---------------------------------------------------------------- reset

def call(client, method, path, body=None):
    data = None if body is None else json.dumps(body).encode("utf-8")
    status, text = client.request(method, path, data, DEFAULT_CT)
    return status, parse_body(text)


def quote(name):
    return urllib.parse.quote(name, safe="")


def touched_scopes(scenario):
    """/config/X and /mode/X the scenario writes: they outlive subjects, so
    the subject listing alone would not find them."""
    out = set()
    for st in scenario["steps"] + scenario["teardown"]:
        m = re.match(r"^/(config|mode)/([^/?]+)", st["p"])
        if m:
            out.add(f"/{m.group(1)}/{m.group(2)}")
    return sorted(out)


def reset_registry(client, scenario):
    """Bring the registry back to empty (README: global mode READWRITE
    forced, global config deleted, every context's and subject's mode and
    config deleted, every subject soft- then hard-deleted). Modes go before
    subjects because a READONLY subject cannot be deleted. Returns None or
    a description of what could not be removed."""
    call(client, "PUT", "/mode?force=true", {"mode": "READWRITE"})
    call(client, "DELETE", "/config")
    status, contexts = call(client, "GET", "/contexts")
    if status == 200 and isinstance(contexts, list):
        for ctx in contexts:
            if isinstance(ctx, str) and ctx != ".":
                call(client, "DELETE", "/mode/" + quote(":" + ctx + ":"))
                call(client, "DELETE", "/config/" + quote(":" + ctx + ":"))
    for scope in touched_scopes(scenario):
        call(client, "DELETE", scope)
    left = None
    for _ in range(RESET_ROUNDS):
        status, subjects = call(client, "GET", "/subjects?subjectPrefix=%3A*%3A&deleted=true")
        if status != 200 or not isinstance(subjects, list):
            return f"subject listing answered {status}"
        if not subjects:
            return None
        left = subjects
        for s in subjects:
            call(client, "DELETE", "/mode/" + quote(s))
            call(client, "DELETE", "/config/" + quote(s))
            call(client, "DELETE", "/subjects/" + quote(s))
            call(client, "DELETE", "/subjects/" + quote(s) + "?permanent=true")
    return f"subjects left: {left}"


def wait_ready(client, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, _ = client.request("GET", "/")
        if status == 200:
            return True
        time.sleep(0.2)
    return False


# ---------------------------------------------------------------- comparison

def has_parser_details(msg):
    return isinstance(msg, str) and (
        "details: com.fasterxml.jackson" in msg or "details: Could not parse Protobuf" in msg)


def global_rule(want):
    """README's loose comparisons that apply everywhere."""
    body = want["body"] if isinstance(want["body"], dict) else {}
    if want["status"] == 400 and body.get("error_code") == 400:
        return "code"
    if body.get("error_code") == 500:
        return "skip"
    if has_parser_details(body.get("message")):
        return "code"
    messages = body.get("messages")
    if isinstance(messages, list) and any(has_parser_details(m) for m in messages):
        return "verdict"
    return None


def same_json(a, b):
    """Equality of parsed JSON that keeps true/1 and 1/1.0 apart (Python's ==
    does not); object key order is irrelevant, list order is not."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b))
    return a == b


def field(body, key):
    return body.get(key) if isinstance(body, dict) else None


def matches(st, want, got, relax):
    if want["status"] != got["status"]:
        return False
    if relax == "code":
        return same_json(field(want["body"], "error_code"), field(got["body"], "error_code"))
    if relax == "verdict":
        return same_json(field(want["body"], "is_compatible"), field(got["body"], "is_compatible"))
    cmp = st.get("cmp", "exact")
    if cmp == "status":
        return True
    if cmp == "keys":
        if not isinstance(want["body"], dict):
            return True
        return isinstance(got["body"], dict) and want["body"].keys() == got["body"].keys()
    return same_json(want["body"], got["body"])


# ---------------------------------------------------------------- running

class Totals:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.failures = []  # (step id, request, expected, got, relax)


def dump(v):
    return json.dumps(v, ensure_ascii=False, sort_keys=True)


def describe_failure(step_id, req, want, got, relax):
    lines = [f"--- {step_id} {req['m']} {req['p']}" + (f"  [compared: {relax}]" if relax else "")]
    if "body" in req:
        lines.append(f"    request:  {req['body']}")
    lines.append(f"    expected: {want['status']} {dump(want['body'])}")
    lines.append(f"    got:      {got['status']} {dump(got['body'])}")
    return "\n".join(lines)


def run_scenario(client, scenario, golden, allowed, totals, out, verbose):
    name = scenario["name"]
    trouble = reset_registry(client, scenario)
    if trouble:
        print(f"warning: {name}: reset incomplete: {trouble}", file=sys.stderr)
    ids = IdMap()
    passed = compared = 0
    for i, (st, want) in enumerate(zip(scenario["steps"], golden[name])):
        step_id = f"{name}#{i}"
        req, got = send_step(client, st, ids)
        relax = allowed.get(step_id) or global_rule(want)
        if relax == "skip":
            totals.skipped += 1
            continue
        compared += 1
        if matches(st, want, got, relax):
            passed += 1
            continue
        totals.failures.append((step_id, req, want, got, relax))
        if verbose:
            print(describe_failure(step_id, req, want, got, relax), file=out)
    for st in scenario["teardown"]:
        send_step(client, st, ids)
    totals.passed += passed
    totals.failed += compared - passed
    print(f"{name}: {passed}/{compared}", file=out)
    if not verbose:
        for step_id, req, _, _, _ in totals.failures[len(totals.failures) - (compared - passed):]:
            print(f"  FAIL {step_id} {req['m']} {req['p']}", file=out)
    out.flush()


def run(url, scenarios, golden, allowed, between_cmd=None, verbose=False, out=sys.stdout):
    """Replay `scenarios`; returns Totals."""
    client = Client(url)
    totals = Totals()
    missing = [sc["name"] for sc in scenarios if len(golden.get(sc["name"], [])) != len(sc["steps"])]
    if missing:
        raise SystemExit(f"golden.json does not match scenarios.json for: {missing}")
    for n, sc in enumerate(scenarios):
        if between_cmd and n > 0:
            subprocess.run(between_cmd, shell=True, check=False)
            if not wait_ready(client, 30):
                print(f"warning: {url} not answering GET / after --between-cmd", file=sys.stderr)
        run_scenario(client, sc, golden, allowed, totals, out, verbose)
    return totals


def write_report(path, totals):
    with open(path, "w", encoding="utf-8") as f:
        for failure in totals.failures:
            f.write(describe_failure(*failure) + "\n")
        f.write(f"skipped: {totals.skipped}\n{totals.passed} passed, {totals.failed} failed\n")


# ---------------------------------------------------------------- self-test

def selftest(scenarios, golden, allowed, verbose):
    """Replay every scenario against fake_confluent twice: faithful answers
    (ids offset by a random constant) must give 0 failed; deliberately
    corrupted answers must fail exactly the corrupted, compared steps."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import fake_confluent  # noqa: E402  (sibling test double)

    ok = True
    sink = sys.stdout if verbose else open(os.devnull, "w", encoding="utf-8")
    for corrupt in (False, True):
        fake = fake_confluent.FakeRegistry(scenarios, golden, corrupt=corrupt, allowed=allowed)
        server, url = fake_confluent.serve_in_thread(fake)
        try:
            totals = run(url, scenarios, golden, allowed, verbose=verbose, out=sink)
        finally:
            server.shutdown()
            server.server_close()
        failed = {f[0] for f in totals.failures}
        label = "corrupted" if corrupt else "faithful"
        print(f"selftest {label} (id offset {fake.offset}): {len(scenarios)} scenarios, "
              f"skipped: {totals.skipped}, {totals.passed} passed, {totals.failed} failed, "
              f"fake protocol errors: {len(fake.errors)}")
        for e in fake.errors[:10]:
            print(f"  fake: {e}")
        if fake.errors:
            ok = False
        if not corrupt:
            ok = ok and totals.failed == 0 and not fake.errors
            continue
        expected = {s for s in fake.corrupted
                    if (allowed.get(s) or global_rule(golden_of(golden, s))) != "skip"}
        if failed != expected:
            ok = False
            print(f"  corrupted steps not caught: {sorted(expected - failed)[:10]}")
            print(f"  unexpected failures: {sorted(failed - expected)[:10]}")
        else:
            print(f"  all {len(expected)} corrupted compared steps caught "
                  f"({len(fake.id_swaps)} by id binding only)")
    print("selftest " + ("passed" if ok else "FAILED"))
    return ok


def golden_of(golden, step_id):
    name, _, i = step_id.rpartition("#")
    return golden[name][int(i)]


# ---------------------------------------------------------------- main

def parse_args(argv):
    ap = argparse.ArgumentParser(description="Replay recorded Confluent answers against a registry.")
    ap.add_argument("--url", help="registry base URL, e.g. http://127.0.0.1:8081")
    ap.add_argument("--shared", default=default_shared_dir(),
                    help="shared directory (or its conformance/ subdirectory)")
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--all", action="store_true", help="all scenarios, JSON Schema and Protobuf too")
    group.add_argument("--only-avro", action="store_true",
                       help="only scenarios without JSON Schema/Protobuf (the default)")
    ap.add_argument("--scenario", nargs="+", action="extend", default=[], metavar="NAME",
                    help="run only these scenarios (taken from the whole corpus)")
    ap.add_argument("--between-cmd", help="shell command run between every two scenarios; "
                    "then wait up to 30 s for GET / to answer 200")
    ap.add_argument("--report", help="write every mismatch to this file")
    ap.add_argument("--no-fail", action="store_true", help="exit 0 even when steps fail")
    ap.add_argument("--selftest", action="store_true",
                    help="check this runner against fake_confluent.py (all scenarios unless "
                    "--only-avro or --scenario)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every mismatch in full")
    args = ap.parse_args(argv)
    if not args.selftest and not args.url:
        ap.error("--url is required (or --selftest)")
    return args


def main(argv=None):
    args = parse_args(argv)
    scenarios, golden, allowed = load_corpus(corpus_dir(args.shared))
    if args.selftest:
        chosen = select_scenarios(scenarios, args.scenario, not args.only_avro)
        return 0 if selftest(chosen, golden, allowed, args.verbose) else 1
    chosen = select_scenarios(scenarios, args.scenario, args.all)
    print(f"# {len(chosen)} scenarios, {sum(len(sc['steps']) for sc in chosen)} steps")
    totals = run(args.url.rstrip("/"), chosen, golden, allowed, args.between_cmd, args.verbose)
    if args.report:
        write_report(args.report, totals)
    print(f"skipped: {totals.skipped}")
    print(f"{totals.passed} passed, {totals.failed} failed")
    return 0 if args.no_fail or totals.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
