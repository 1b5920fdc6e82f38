#!/usr/bin/env python3
"""A test double for run_conformance.py: an HTTP server that plays back
golden.json.

It expects the runner's traffic in order: before each scenario the reset
procedure (answered plausibly; the reset ends when the subject listing comes
back empty), then each step of the scenario, which must arrive with the
method, path, body and Content-Type the corpus prescribes (with `{$idN}`
replaced by the id this fake handed out), and is answered with Confluent's
recorded answer. Ids are de-symbolized as $idN -> N + offset, with a random
offset per run, so only a runner that maps ids symbolically passes. Anything
unexpected is answered 599 and recorded in `errors`.

With corrupt=True some answers are deliberately wrong (`corrupted` lists the
step ids): every 7th step gets another status, and in scenarios that stay in
the default context one answer per scenario names an earlier id instead of
the recorded one (`id_swaps`), which only the id binding can catch.

    fake_confluent.py --port 8099 [--all | --scenario NAME ...]   # serve by hand
"""

import argparse
import http.server
import json
import os
import random
import re
import sys
import threading

DEFAULT_CT = "application/vnd.schemaregistry.v1+json"
IMPLICIT_CT = "application/x-www-form-urlencoded"
SYM_REF = re.compile(r"\{\$id(\d+)\}")
SYM = re.compile(r"\$id(\d+)")
MSG_SYM = re.compile(r"(Schema |with id |input id )\$id(\d+)")
SUBJECT_LISTING = "/subjects?subjectPrefix=%3A*%3A&deleted=true"
LEFTOVER_CTX = ".fake-leftover"
LEFTOVER_SUBJECTS = [":.fake-leftover:old", "fake-leftover.old"]
UNRELATED = "zz-fake-unrelated"


class FakeRegistry:
    def __init__(self, scenarios, golden, offset=None, corrupt=False, allowed=None):
        self.scenarios = scenarios
        self.golden = golden
        self.offset = offset if offset is not None else random.randint(1000, 90000)
        self.sc_index = 0
        self.step_index = 0
        self.in_reset = True
        self.listed = False
        self.errors = []
        self.corrupted = set()
        self.id_swaps = set()
        self.lock = threading.Lock()
        if corrupt:
            self._plan_corruption(allowed or {})

    # ------------------------------------------------------------ corruption

    def _plan_corruption(self, allowed):
        for sc in self.scenarios:
            name = sc["name"]
            for i in range(3, len(sc["steps"]), 7):
                self.corrupted.add(f"{name}#{i}")
            self._plan_id_swap(sc, allowed)

    def _plan_id_swap(self, sc, allowed):
        """One answer whose `id` is an already bound $idK (K > 1) gets $id1's
        id instead; restricted to default-context scenarios so that no new
        (context, id) binding, and so no cascade, results."""
        text = json.dumps(sc) + json.dumps(self.golden[sc["name"]])
        if ":." in text or "%3A." in text or "/contexts/" in text:
            return
        bound = 0
        for i, (st, want) in enumerate(zip(sc["steps"], self.golden[sc["name"]])):
            step_id = f"{sc['name']}#{i}"
            body = want["body"]
            sym = body.get("id") if isinstance(body, dict) else None
            eligible = (want["status"] == 200 and st.get("cmp", "exact") == "exact"
                        and step_id not in allowed and step_id not in self.corrupted
                        and isinstance(sym, str) and SYM.fullmatch(sym))
            if eligible and 1 < int(sym[3:]) <= bound:
                self.corrupted.add(step_id)
                self.id_swaps.add(step_id)
                return
            bound = max([bound] + [int(n) for n in SYM.findall(json.dumps(body))])

    # ------------------------------------------------------------ ids

    def real(self, n):
        return int(n) + self.offset

    def desym(self, value, swap=False):
        if isinstance(value, str):
            m = SYM.fullmatch(value)
            if m:
                return self.real(m.group(1))
            return MSG_SYM.sub(lambda mm: mm.group(1) + str(self.real(mm.group(2))), value)
        if isinstance(value, list):
            return [self.desym(v) for v in value]
        if isinstance(value, dict):
            out = {k: self.desym(v) for k, v in value.items()}
            if swap:
                out["id"] = self.real(1)
            return out
        return value

    def subst_ref(self, value):
        if isinstance(value, str):
            m = SYM_REF.fullmatch(value)
            return self.real(m.group(1)) if m else value
        if isinstance(value, list):
            return [self.subst_ref(v) for v in value]
        if isinstance(value, dict):
            return {k: self.subst_ref(v) for k, v in value.items()}
        return value

    # ------------------------------------------------------------ requests

    def handle(self, method, path, ctype, body):
        """Returns (status, content type, bytes)."""
        with self.lock:
            if self.in_reset or self.sc_index >= len(self.scenarios):
                return self._reset_answer(method, path)
            return self._step_answer(method, path, ctype, body)

    def _error(self, text):
        self.errors.append(text)
        return 599, DEFAULT_CT, json.dumps({"error_code": 599, "message": "fake: " + text}).encode()

    def _json(self, status, value):
        return status, DEFAULT_CT, json.dumps(value).encode()

    def _reset_answer(self, method, path):
        if method == "GET" and path == "/":
            return self._json(200, {})
        if method == "PUT" and path == "/mode?force=true":
            return self._json(200, {"mode": "READWRITE"})
        if method == "DELETE" and path == "/config":
            return self._json(200, {"compatibilityLevel": "BACKWARD"})
        if method == "GET" and path == "/contexts":
            return self._json(200, [".", LEFTOVER_CTX])
        if method == "DELETE" and re.fullmatch(r"/(config|mode)/[^/?]+", path):
            return self._json(404, {"error_code": 40401, "message": "Subject not found."})
        if method == "DELETE" and re.fullmatch(r"/subjects/[^/?]+(\?permanent=true)?", path):
            return self._json(200, [1])
        if method == "GET" and path == SUBJECT_LISTING:
            return self._listing()
        where = "after the last scenario" if self.sc_index >= len(self.scenarios) else "during reset"
        return self._error(f"unexpected {method} {path} {where}")

    def _listing(self):
        """First listing of a reset names leftovers (so the runner's delete
        loop runs), the next one is empty and ends the reset."""
        if not self.listed:
            self.listed = True
            return self._json(200, LEFTOVER_SUBJECTS)
        if self.sc_index < len(self.scenarios):
            self.in_reset = False
            self.step_index = 0
        return self._json(200, [])

    def _expected(self, st):
        path = SYM_REF.sub(lambda m: str(self.real(m.group(1))), st["p"])
        if "raw" in st:
            return path, st["raw"].encode(), st.get("ct", DEFAULT_CT) or IMPLICIT_CT
        if "b" in st:
            data = json.dumps(self.subst_ref(st["b"])).encode()
            return path, data, st.get("ct", DEFAULT_CT) or IMPLICIT_CT
        return path, b"", None

    def _step_answer(self, method, path, ctype, body):
        sc = self.scenarios[self.sc_index]
        step_id = f"{sc['name']}#{self.step_index}"
        st = sc["steps"][self.step_index]
        want_path, want_body, want_ct = self._expected(st)
        if (method, path) != (st["m"], want_path):
            return self._error(f"{step_id}: expected {st['m']} {want_path}, got {method} {path}")
        if body != want_body:
            return self._error(f"{step_id}: expected body {want_body!r}, got {body!r}")
        if ctype != want_ct:
            return self._error(f"{step_id}: expected Content-Type {want_ct!r}, got {ctype!r}")
        answer = self.golden[sc["name"]][self.step_index]
        self._advance(sc)
        return self._render(st, step_id, answer)

    def _advance(self, sc):
        self.step_index += 1
        if self.step_index == len(sc["steps"]):
            self.sc_index += 1
            self.in_reset = True
            self.listed = False

    def _render(self, st, step_id, answer):
        status = answer["status"]
        if step_id in self.corrupted and step_id not in self.id_swaps:
            status += 1
        body = answer["body"]
        if isinstance(body, dict) and set(body) == {"text"}:
            return status, "text/plain", body["text"].encode()
        value = self.desym(body, swap=step_id in self.id_swaps)
        if "keep" in st and isinstance(value, list):
            # Something a filtering runner must drop.
            extra = {"subject": UNRELATED, "version": 1, "id": 1} if value and isinstance(value[0], dict) else UNRELATED
            value = [extra] + value
        return self._json(status, value)


class Handler(http.server.BaseHTTPRequestHandler):
    fake = None  # set on a subclass by make_server

    def _serve(self):
        # self.path has '//' collapsed by http.server; the request line has
        # the path exactly as sent.
        parts = self.requestline.split(" ")
        path = parts[1] if len(parts) >= 2 else self.path
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        status, ctype, data = self.fake.handle(self.command, path, self.headers.get("Content-Type"), body)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

    def log_message(self, format, *args):  # noqa: A002 (signature of the base class)
        pass


def make_server(fake, port=0):
    handler = type("BoundHandler", (Handler,), {"fake": fake})
    return http.server.HTTPServer(("127.0.0.1", port), handler)


def serve_in_thread(fake):
    """Start on a free port; returns (server, base URL). Stop with
    server.shutdown() and server.server_close()."""
    server = make_server(fake)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import run_conformance as rc  # noqa: E402

    ap = argparse.ArgumentParser(description="Serve golden.json to run_conformance.py.")
    ap.add_argument("--port", type=int, default=8099)
    ap.add_argument("--shared", default=rc.default_shared_dir())
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--scenario", nargs="+", action="extend", default=[])
    ap.add_argument("--corrupt", action="store_true")
    args = ap.parse_args()
    scenarios, golden, allowed = rc.load_corpus(rc.corpus_dir(args.shared))
    chosen = rc.select_scenarios(scenarios, args.scenario, args.all)
    fake = FakeRegistry(chosen, golden, corrupt=args.corrupt, allowed=allowed)
    print(f"fake_confluent: {len(chosen)} scenarios, id offset {fake.offset}, port {args.port}")
    try:
        make_server(fake, args.port).serve_forever()
    except KeyboardInterrupt:
        pass
    for e in fake.errors:
        print(f"fake: {e}")


if __name__ == "__main__":
    main()
