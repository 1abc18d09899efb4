#!/usr/bin/env bash
# blackbox_exporter's own prober tests, re-created in our words and run side by side (issue 25): the
# cases of prober/http_test.go, tcp_test.go, dns_test.go and utils_test.go (v0.23.0) that 0.23
# supports, each probed by the real blackbox_exporter 0.23 (Debian's prometheus-blackbox-exporter,
# installed with apt if missing) and by the jar, with one module file for both.
#  - The peers are the servers those tests stand up, in Python (written to the temp dir below): an
#    HTTP origin driven by its query string (status, body, encoding, headers), the same over TLS
#    with a self-signed certificate for localhost, a forward proxy, TCP servers (accept and close,
#    TLS 1.2, a chain with an older root, IRC, an SSH banner) and DNS servers over UDP and TCP
#    (the tests' recursive, authoritative and SERVFAIL handlers). Loopback only (127.0.0.1 and ::1),
#    ports picked at run time, every read and request bounded.
#  - Each case names the outcome the upstream test asserts; blackbox_exporter must meet it (else the
#    re-creation is wrong), ours must give the same probe_success and the same value of each metric
#    the case compares, and every metric name blackbox_exporter answers. A case where ours differs on
#    purpose (one of the differences src/docs/blackbox.md lists) checks our documented value instead
#    and is printed as "deliberate difference".
#  - Not repeated here (blackbox-e2e.sh and blackbox-tcp-e2e.sh have them): TestFailIfNotSSL,
#    TestRedirectNotFollowed, TestTCPConnectionQueryResponseStartTLS. Not probe cases: an invalid
#    query_type or query_class (both refuse the file), an invalid valid_rcodes name (0.23 loads the
#    file and fails each probe, ours refuses the file: a documented difference), TestRedirectToTLSHostWorks's and
#    TestChooseProtocol's public hosts (re-created on loopback: a redirect to https://localhost, and
#    [::1] with and without fallback).
# Prints the table, then PASS or FAIL; exits non-zero on any disagreement.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"
STARTED=$SECONDS
TMP="$(mktemp -d /tmp/asyncore-blackbox-cases-e2e.XXXXXX)"
PIDS=()

curl() { command curl --max-time 20 -sS "$@"; }
source "$ROOT/src/test/e2e/e2e-lib.sh"
e2e_begin blackbox-cases-e2e "blackbox_exporter's own cases side by side" app.log bbe.log peers.log openssl.log

# ---- tools -------------------------------------------------------------------------------------
apt_need prometheus-blackbox-exporter prometheus-blackbox-exporter
apt_need python3 python3
apt_need openssl openssl
apt_need brotli brotli
BBE="$(command -v prometheus-blackbox-exporter || echo /usr/bin/prometheus-blackbox-exporter)"
JAR="$(service_jar)"

# ---- certificates ------------------------------------------------------------------------------
# self: a self-signed CA certificate for the name localhost only (upstream's test template, no IP);
# chain: one key, two roots of that name (3 days and 1 day), a leaf for localhost (2 days) signed by
# it; the server sends the leaf and the older root, the CA file holds the newer (TestTCPConnection-
# WithTLSAndVerifiedCertificateChain).
PKI="$TMP/pki"
mkdir -p "$PKI"
ossl() { openssl "$@" >>"$TMP/openssl.log" 2>&1 || fail "openssl $1 failed (see openssl.log)"; }
ossl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=localhost" -keyout "$PKI/self.key" -out "$PKI/self.pem" \
  -addext "subjectAltName=DNS:localhost" -addext "basicConstraints=critical,CA:TRUE"
ossl genrsa -out "$PKI/root.key" 2048
for root in new:3 old:1; do
  ossl req -x509 -key "$PKI/root.key" -days "${root#*:}" -subj "/CN=chain root" -out "$PKI/root-${root%:*}.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
done
ossl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$PKI/leaf.key" -out "$PKI/leaf.csr"
printf 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n' >"$PKI/leaf.ext"
ossl x509 -req -in "$PKI/leaf.csr" -CA "$PKI/root-old.pem" -CAkey "$PKI/root.key" -CAcreateserial -days 2 \
  -extfile "$PKI/leaf.ext" -out "$PKI/leaf.pem"
cat "$PKI/leaf.pem" "$PKI/root-old.pem" >"$PKI/chain.pem"
chmod -R a+rX "$TMP"

# ---- the peers: the servers of the upstream tests, in Python (written to the temp dir) -----------
write_peers() {
  cat >"$1" <<'PY'
"""Loopback peers for blackbox-cases-e2e.sh: the servers blackbox_exporter's own prober tests stand up
(prober/http_test.go, tcp_test.go, dns_test.go), re-created in Python, all in one process.

  python3 peers.py PORTS_JSON PKI_DIR

PORTS_JSON names a free loopback port for each peer (keys below). Prints "ready" once every peer
listens, then serves until killed. Every socket read has a timeout, so a silent prober cannot pin a
thread for long.

HTTP origin (plain, and the same over TLS with a self-signed certificate for localhost):
  /r?status=N&body=TEXT&times=N&enc=gzip|deflate|br&ce=VALUE&h=Name:value...  any status, body,
      encoding (br through the brotli command) and headers; Content-Length always set
  /moved -> /landing; /chain -> /redirect-1 -> ... -> /redirect-12 (429, never to be reached)
  /to?url=URL (302 to URL); /post-only (400 unless POST); /basic, /bearer (401 unless the
  credentials of the upstream tests); /vhost (400 unless Host, User-Agent and Accept-Language are
  the upstream test's); /cookie (sets a cookie, -> /cookie-check, 400 without it)
Forward proxy: absolute-form GET relayed to the origin, answer marked with X-Via-Proxy: 1.
TCP: close (accept and close, on 127.0.0.1 and ::1), tls12 (TLS 1.2 only, "Hello World!"), chain (a
  leaf and an older root sent), irc_ok / irc_banned, ssh (banner, then CONFIRMED when it reads
  "CONFIRM OpenSSH_6.9p1").
DNS (UDP and TCP on one port): dns_rec (REFUSED without RD, else two A records), dns_auth (an A,
  SOA or CH TXT answer with two NS and three glue records), dns_fail (SERVFAIL to everything).
"""
import base64
import email.utils
import gzip
import http.client
import http.server
import json
import socket
import socketserver
import ssl
import struct
import subprocess
import sys
import threading
import time
import zlib
from urllib.parse import parse_qs, urlsplit

PORTS = json.loads(sys.argv[1])
PKI = sys.argv[2]
READ_TIMEOUT = 5


def encode(data, encoding):
    if encoding == "gzip":
        return gzip.compress(data)
    if encoding == "deflate":
        raw = zlib.compressobj(6, zlib.DEFLATED, -15)
        return raw.compress(data) + raw.flush()
    if encoding == "br":
        return subprocess.run(["brotli", "-c"], input=data, capture_output=True, check=True, timeout=10).stdout
    return data


class Origin(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = READ_TIMEOUT

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.route()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.route()

    def route(self):
        url = urlsplit(self.path)
        q = parse_qs(url.query, keep_blank_values=True)
        path = url.path
        if path == "/r":
            body = q.get("body", [""])[0].encode() * int(q.get("times", ["1"])[0])
            headers = [("Content-Encoding", q["ce"][0])] if "ce" in q else []
            for header in q.get("h", []):
                name, _, value = header.partition(":")
                headers.append((name, value.lstrip()))
            return self.reply(int(q.get("status", ["200"])[0]), encode(body, q.get("enc", [""])[0]), headers)
        if path == "/moved":
            return self.reply(302, headers=[("Location", "/landing")])
        if path == "/landing":
            return self.reply(200, b"landed\n")
        if path == "/chain":
            return self.reply(302, headers=[("Location", "/redirect-1")])
        if path.startswith("/redirect-"):
            n = int(path[len("/redirect-"):])
            return self.reply(429) if n >= 12 else self.reply(302, headers=[("Location", "/redirect-%d" % (n + 1))])
        if path == "/to":
            return self.reply(302, headers=[("Location", q["url"][0])])
        if path == "/post-only":
            return self.reply(200 if self.command == "POST" else 400)
        if path == "/basic":
            wanted = "Basic " + base64.b64encode(b"username:password").decode()
            return self.reply(200 if self.headers.get("Authorization") == wanted else 401)
        if path == "/bearer":
            return self.reply(200 if self.headers.get("Authorization") == "Bearer mysecret" else 401)
        if path == "/vhost":
            ok = (self.headers.get("Host") == "my-secret-vhost.com"
                  and self.headers.get("User-Agent") == "unsuspicious user"
                  and self.headers.get("Accept-Language") == "en-US")
            return self.reply(200 if ok else 400)
        if path == "/cookie":
            expires = email.utils.formatdate(time.time() + 365 * 86400, usegmt=True)
            return self.reply(302, headers=[("Set-Cookie", "somecookie=cookie; Expires=" + expires),
                                            ("Location", "/cookie-check")])
        if path == "/cookie-check":
            return self.reply(200 if "somecookie=cookie" in (self.headers.get("Cookie") or "") else 400)
        return self.reply(404)


class Proxy(Origin):
    def route(self):
        url = urlsplit(self.path)
        if not url.scheme:
            return self.reply(400)
        upstream = http.client.HTTPConnection(url.hostname, url.port, timeout=READ_TIMEOUT)
        skip = {"proxy-connection", "connection", "proxy-authorization"}
        upstream.request(self.command, url.path + ("?" + url.query if url.query else ""),
                         headers={k: v for k, v in self.headers.items() if k.lower() not in skip})
        answer = upstream.getresponse()
        body = answer.read()
        upstream.close()
        drop = {"content-length", "transfer-encoding", "connection", "server", "date"}
        headers = [(k, v) for k, v in answer.getheaders() if k.lower() not in drop] + [("X-Via-Proxy", "1")]
        return self.reply(answer.status, body, headers)


class Threading(socketserver.ThreadingMixIn):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # a refused certificate or a prober closing early is part of the cases


class HttpServer(Threading, http.server.HTTPServer):
    pass


class TcpServer(Threading, socketserver.TCPServer):
    pass


class Tcp6Server(TcpServer):
    address_family = socket.AF_INET6


def tls_context(cert, key, tls12=False):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    if tls12:
        context.maximum_version = ssl.TLSVersion.TLSv1_2
    return context


def handler(function):
    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            self.request.settimeout(READ_TIMEOUT)
            try:
                function(self.request)
            except (OSError, ValueError):
                pass
    return Handler


def tls_hello(context):
    def serve(conn):
        with context.wrap_socket(conn, server_side=True) as tls:
            tls.sendall(b"Hello World!\n")
    return serve


def irc(welcome):
    def serve(conn):
        conn.sendall(b":ircd.localhost NOTICE AUTH :*** Looking up your hostname...\n")
        lines = conn.makefile("rb")
        lines.readline()
        lines.readline()
        conn.sendall(b":ircd.localhost 001 prober :Welcome to IRC!\n" if welcome
                     else b"ERROR: Your IP address has been blacklisted.\n")
    return serve


def ssh(conn):
    conn.sendall(b"SSH-2.0-OpenSSH_6.9p1 Debian-2\n")
    line = conn.makefile("rb").readline().strip()
    conn.sendall(b"CONFIRMED\n" if line == b"CONFIRM OpenSSH_6.9p1" else b"WRONG " + line + b"\n")


# ---- DNS -----------------------------------------------------------------------------------------
A, NS, SOA, TXT, AAAA = 1, 2, 6, 16, 28
IN, CH = 1, 3


def wire_name(name):
    return b"".join(bytes([len(label)]) + label.encode() for label in name.rstrip(".").split(".")) + b"\0"


def rr(name, rtype, rclass, ttl, rdata):
    return wire_name(name) + struct.pack("!HHIH", rtype, rclass, ttl, len(rdata)) + rdata


def dns_answer(mode, query):
    ident, flags = struct.unpack("!HH", query[:4])
    end = 12
    while query[end] != 0:
        end += 1 + query[end]
    end += 5
    qtype, qclass = struct.unpack("!HH", query[end - 4:end])
    answers, authority, additional, rcode = [], [], [], 0
    if mode == "rec":
        if flags & 0x0100:
            answers = [rr("example.com", A, IN, 3600, socket.inet_aton(ip)) for ip in ("127.0.0.1", "127.0.0.2")]
        else:
            rcode = 5
    elif mode == "auth":
        if qtype == SOA:
            soa = wire_name("ns.example.com") + wire_name("noc.example.com") + struct.pack("!IIIII", 1000, 7200, 3600, 1209600, 3600)
            answers = [rr("example.com", SOA, IN, 3600, soa)]
        elif qclass == CH and qtype == TXT:
            answers = [rr("example.com", TXT, CH, 3600, b"\x07goCHAOS")]
        else:
            answers = [rr("example.com", A, IN, 3600, socket.inet_aton("127.0.0.1"))]
        authority = [rr("example.com", NS, IN, 7200, wire_name(ns)) for ns in ("ns1.isp.net", "ns2.isp.net")]
        additional = [rr("ns1.isp.net", A, IN, 7200, socket.inet_aton("127.0.0.1")),
                      rr("ns1.isp.net", AAAA, IN, 7200, socket.inet_pton(socket.AF_INET6, "::1")),
                      rr("ns2.isp.net", A, IN, 7200, socket.inet_aton("127.0.0.2"))]
    else:
        rcode = 2
    header = struct.pack("!HHHHHH", ident, 0x8000 | (flags & 0x7900) | rcode, 1,
                         len(answers), len(authority), len(additional))
    return header + query[12:end] + b"".join(answers + authority + additional)


def dns_udp(mode, family, host, port):
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.bind((host, port))

    def loop():
        while True:
            query, peer = sock.recvfrom(4096)
            try:
                sock.sendto(dns_answer(mode, query), peer)
            except (IndexError, struct.error):
                pass
    threading.Thread(target=loop, daemon=True).start()


def dns_tcp(mode):
    def serve(conn):
        while True:
            head = conn.recv(2, socket.MSG_WAITALL)
            if len(head) < 2:
                return
            query = conn.recv(struct.unpack("!H", head)[0], socket.MSG_WAITALL)
            answer = dns_answer(mode, query)
            conn.sendall(struct.pack("!H", len(answer)) + answer)
    return serve


def start(server):
    threading.Thread(target=server.serve_forever, daemon=True).start()


def main():
    local = "127.0.0.1"
    start(HttpServer((local, PORTS["origin"]), Origin))
    tls_origin = HttpServer((local, PORTS["tls"]), Origin)
    tls_origin.socket = tls_context(PKI + "/self.pem", PKI + "/self.key").wrap_socket(
        tls_origin.socket, server_side=True, do_handshake_on_connect=False)
    start(tls_origin)
    start(HttpServer((local, PORTS["proxy"]), Proxy))
    start(TcpServer((local, PORTS["close"]), handler(lambda conn: None)))
    start(Tcp6Server(("::1", PORTS["close"]), handler(lambda conn: None)))
    start(TcpServer((local, PORTS["tls12"]), handler(tls_hello(tls_context(PKI + "/self.pem", PKI + "/self.key", True)))))
    start(TcpServer((local, PORTS["chain"]), handler(tls_hello(tls_context(PKI + "/chain.pem", PKI + "/leaf.key", True)))))
    start(TcpServer((local, PORTS["irc_ok"]), handler(irc(True))))
    start(TcpServer((local, PORTS["irc_banned"]), handler(irc(False))))
    start(TcpServer((local, PORTS["ssh"]), handler(ssh)))
    for mode in ("rec", "auth", "fail"):
        port = PORTS["dns_" + mode]
        dns_udp(mode, socket.AF_INET, local, port)
        start(TcpServer((local, port), handler(dns_tcp(mode))))
    dns_udp("rec", socket.AF_INET6, "::1", PORTS["dns_rec"])
    start(Tcp6Server(("::1", PORTS["dns_rec"]), handler(dns_tcp("rec"))))
    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
PY
}

# ---- the runner: probes each case with both exporters, compares, prints the table ------------------
write_runner() {
  cat >"$1" <<'PY'
"""Runs each case of blackbox-cases-e2e.sh against both exporters and prints the table.

  python3 runner.py THEIR_PORT OUR_PORT CASES_FILE

A case line: name|want|module|target|metrics|deliberate. Exits 1 if a case disagrees or
blackbox_exporter misses the outcome the upstream test asserts (the re-creation is then wrong).
"""
import re
import sys
import threading
import urllib.parse
import urllib.request

THEIRS, OURS, CASES = sys.argv[1], sys.argv[2], sys.argv[3]
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy from the environment
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$')


def fetch(port, module, target, debug=False):
    query = {"module": module, "target": target}
    if debug:
        query["debug"] = "true"
    try:
        with OPENER.open("http://127.0.0.1:%s/probe?%s" % (port, urllib.parse.urlencode(query)), timeout=20) as answer:
            return answer.read().decode()
    except Exception as error:  # a failed request is an absent answer, reported as such
        return "# no answer: %s\n" % error


def samples(text):
    found = []
    for line in text.splitlines():
        match = SAMPLE.match(line)
        if match and not line.startswith("#"):
            found.append((match.group(1), match.group(2) or "", match.group(3)))
    return found


def value(spec, found):
    """NAME: the values of its samples; NAME{}: its label sets; NAME{=}: label sets and values."""
    if spec.endswith("{=}"):
        out = sorted(n + l + " " + v for n, l, v in found if n == spec[:-3] and l)
    elif spec.endswith("{}"):
        out = sorted(n + l for n, l, v in found if n == spec[:-2] and l)
    else:
        out = sorted(v for n, l, v in found if n == spec)
    return " ".join(out) or "absent"


def main():
    agree = deliberate_count = diffs = wrong = 0
    print("\n%-4s %-52s %-24s %-7s %-21s %s" % ("#", "case", "module", "success", "result",
                                                "metrics (theirs = ours unless both are shown)"))
    lines = [line for line in open(CASES).read().splitlines() if line.strip()]
    for number, line in enumerate(lines, 1):
        name, want, module, target, metrics, deliberate = (line.split("|") + [""] * 6)[:6]
        answers = {}
        theirs = threading.Thread(target=lambda: answers.__setitem__("theirs", fetch(THEIRS, module, target)))
        theirs.start()
        answers["ours"] = fetch(OURS, module, target)
        theirs.join()
        t, o = samples(answers["theirs"]), samples(answers["ours"])
        ts, os_ = value("probe_success", t), value("probe_success", o)
        verdict, details, bad = "agree", [], False
        if want != "-" and ts != want:
            verdict, bad = "WRONG CASE (upstream: %s)" % want, True
        if ts != os_ or ts == "absent":
            bad = True
        special = dict(d.split("=", 1) for d in deliberate.split() if "=" in d)
        documented_ok = False
        for metric in metrics.split():
            tv, ov = value(metric, t), value(metric, o)
            if metric in special:
                other = special[metric].lstrip("@")
                documented = value(other, o)
                details.append("%s: theirs=%s ours=%s (documented: ours = %s = %s)" % (metric, tv, ov, other, documented))
                documented_ok = ov == documented and ov != "absent"
                bad = bad or not documented_ok
            elif tv == ov:
                details.append("%s=%s" % (metric, tv))
            else:
                details.append("%s: theirs=%s ours=%s" % (metric, tv, ov))
                bad = True
        missing = sorted({n for n, _, _ in t} - {n for n, _, _ in o})
        if missing:
            details.append("names only theirs: " + " ".join(missing))
            bad = True
        if bad:
            if not verdict.startswith("WRONG"):
                verdict = "DIFF"
                diffs += 1
            else:
                wrong += 1
        elif documented_ok:
            verdict = "deliberate difference"
            deliberate_count += 1
        else:
            agree += 1
        print("%-4d %-52s %-24s %-7s %-21s %s" % (number, name, module, ts + "/" + os_, verdict, "  ".join(details)),
              flush=True)
        if bad:
            print("     target: %s" % target)
            for who, port in (("theirs", THEIRS), ("ours", OURS)):
                for log in fetch(port, module, target, debug=True).splitlines():
                    if "level=error" in log or "level=warn" in log:
                        print("     %s: %s" % (who, log[log.find("level="):]))
    print("\n%d cases: %d agree, %d deliberate differences (src/docs/blackbox.md), %d disagree, %d re-created wrongly"
          % (len(lines), agree, deliberate_count, diffs, wrong))
    sys.exit(1 if diffs or wrong else 0)


if __name__ == "__main__":
    main()
PY
}

# ---- the peers ---------------------------------------------------------------------------------
declare -A PORT
for peer in origin tls proxy close tls12 chain irc_ok irc_banned ssh dns_rec dns_auth dns_fail; do
  PORT[$peer]=$(free_port)
done
ports_json="{$(for peer in "${!PORT[@]}"; do printf '"%s": %s,' "$peer" "${PORT[$peer]}"; done | sed 's/,$//')}"
write_peers "$TMP/peers.py"
python3 -u "$TMP/peers.py" "$ports_json" "$PKI" >"$TMP/peers.log" 2>&1 &
PIDS+=($!)
wait_for 20 grep -q ready "$TMP/peers.log" || fail "the Python peers did not start within 20s"

# ---- one module file for both exporters (blackbox_exporter 0.23's options only) ----------------
http_module() { # $1 = name, then the lines of its http section (flow or block YAML, 6 spaces in)
  printf '  %s:\n    prober: http\n    timeout: 5s\n    http:\n      preferred_ip_protocol: ip4\n' "$1"
  shift
  local line
  for line in "$@"; do printf '      %s\n' "$line"; done
}
tcp_module() { # $1 = name, then the lines of its tcp section
  printf '  %s:\n    prober: tcp\n    timeout: 3s\n    tcp:\n' "$1"
  shift
  local line
  for line in "$@"; do printf '      %s\n' "$line"; done
}
dns_module() { # $1 = name (a _udp and a _tcp module are written), then the lines of its dns section
  local name=$1 proto line
  shift
  for proto in udp tcp; do
    printf '  %s_%s:\n    prober: dns\n    timeout: 3s\n    dns:\n      transport_protocol: %s\n' "$name" "$proto" "$proto"
    for line in "$@"; do printf '      %s\n' "$line"; done
  done
}
header_rule() { # $1 = key, $2 = header, $3 = regexp, [$4 = allow_missing]
  printf '%s: [{header: "%s", regexp: "%s"%s}]' "$1" "$2" "$3" "${4:+, allow_missing: $4}"
}
{
  echo "modules:"
  http_module http_default
  http_module codes_200_404 "valid_status_codes: [200, 404]"
  http_module codes_404 "valid_status_codes: [404]"
  http_module ver_11 'valid_http_versions: ["HTTP/1.1"]'
  http_module ver_11_20 'valid_http_versions: ["HTTP/1.1", "HTTP/2.0"]'
  http_module ver_20 'valid_http_versions: ["HTTP/2.0"]'
  for c in gzip br deflate identity; do http_module "cmp_$c" "compression: $c"; done
  http_module cmp_accept_gzip "compression: gzip" 'headers: {Accept-Encoding: "gzip"}'
  http_module cmp_accept_br_gzip "compression: gzip" 'headers: {Accept-Encoding: "br, gzip"}'
  http_module cmp_accept_any "compression: gzip" 'headers: {Accept-Encoding: "*"}'
  http_module limit_128 "body_size_limit: 128B"
  http_module limit_128_gzip "body_size_limit: 128B" "compression: gzip"
  http_module post "method: POST"
  http_module basic "basic_auth: {username: username, password: password}"
  http_module basic_wrong "basic_auth: {username: username, password: wrong}"
  http_module bearer "bearer_token: mysecret"
  http_module bearer_wrong "bearer_token: notmysecret"
  http_module body_db 'fail_if_body_matches_regexp: ["could not connect to database"]'
  http_module body_db_internal 'fail_if_body_matches_regexp: ["could not connect to database", "internal error"]'
  http_module body_download 'fail_if_body_not_matches_regexp: ["Download the latest version here"]'
  http_module body_download_copyright 'fail_if_body_not_matches_regexp: ["Download the latest version here", "Copyright 2015"]'
  for kind in matches:hm not_matches:hn; do
    key="fail_if_header_${kind%:*}"; prefix=${kind#*:}
    http_module "${prefix}_js" "$(header_rule "$key" Content-Type text/javascript)"
    http_module "${prefix}_js_lc" "$(header_rule "$key" content-type text/javascript)"
    http_module "${prefix}_any" "$(header_rule "$key" Content-Type '.*')"
    http_module "${prefix}_any_missing" "$(header_rule "$key" Content-Type '.*' true)"
    http_module "${prefix}_cookie" "$(header_rule "$key" Set-Cookie '.*Domain=\\.example\\.com.*')"
  done
  http_module vhost 'headers: {Host: "my-secret-vhost.com", User-Agent: "unsuspicious user", Accept-Language: "en-US"}'
  http_module tls_insecure "tls_config: {insecure_skip_verify: true}"
  http_module tls_verify_plain "tls_config: {insecure_skip_verify: false}"
  http_module tls_ca "tls_config: {ca_file: $PKI/self.pem}"
  http_module tls_ca_named "tls_config: {ca_file: $PKI/self.pem, server_name: localhost}"
  http_module skip_no_proxy "skip_resolve_phase_with_proxy: true"
  http_module proxy_skip "proxy_url: http://127.0.0.1:${PORT[proxy]}" "skip_resolve_phase_with_proxy: true" \
    "$(header_rule fail_if_header_not_matches X-Via-Proxy '^1$')"
  http_module proxy_resolve "proxy_url: http://127.0.0.1:${PORT[proxy]}" \
    "$(header_rule fail_if_header_not_matches X-Via-Proxy '^1$')"
  tcp_module tcp_default
  tcp_module tcp_ip4 "preferred_ip_protocol: ip4"
  tcp_module tcp_ip4_only "preferred_ip_protocol: ip4" "ip_protocol_fallback: false"
  tcp_module tcp_ip6 "preferred_ip_protocol: ip6"
  tcp_module tcp_ip6_only "preferred_ip_protocol: ip6" "ip_protocol_fallback: false"
  tcp_module tcp_tls "preferred_ip_protocol: ip4" "tls: true" "tls_config: {ca_file: $PKI/self.pem}"
  tcp_module tcp_tls_named "preferred_ip_protocol: ip4" "tls: true" "tls_config: {ca_file: $PKI/self.pem, server_name: localhost}"
  tcp_module tcp_tls_chain "preferred_ip_protocol: ip4" "tls: true" "tls_config: {ca_file: $PKI/root-new.pem}"
  tcp_module irc 'query_response: [{send: "NICK prober"}, {send: "USER prober prober prober :prober"}, {expect: "^:[^ ]+ 001"}]'
  tcp_module ssh_confirm 'query_response: [{expect: "SSH-2.0-(OpenSSH_6.9p1) Debian-2", send: "CONFIRM ${1}"}]'
  tcp_module ssh_confirm_checked \
    'query_response: [{expect: "SSH-2.0-(OpenSSH_6.9p1) Debian-2", send: "CONFIRM ${1}"}, {expect: "^CONFIRMED$"}]'
  tcp_module ssh_expect 'query_response: [{expect: "SSH-2.0-(OpenSSH_6.9p1) Debian-2"}]'
  EX="query_name: example.com"
  dns_module rec_ok "$EX" "preferred_ip_protocol: ip4"
  dns_module rcodes "$EX" "preferred_ip_protocol: ip4" "valid_rcodes: [SERVFAIL, NXDOMAIN]"
  dns_module rec_answer "$EX" "validate_answer_rrs: {fail_if_matches_regexp: ['.*7200.*'], fail_if_not_matches_regexp: ['.*3600.*']}"
  dns_module rec_authority "$EX" "validate_authority_rrs: {fail_if_matches_regexp: ['.*7200.*']}"
  dns_module rec_additional "$EX" "validate_additional_rrs: {fail_if_not_matches_regexp: ['.*3600.*']}"
  dns_module rec_no_rd "$EX" "recursion_desired: false"
  dns_module auth_soa "$EX" "query_type: SOA"
  dns_module auth_chaos "$EX" "query_class: CH" "query_type: TXT" \
    "validate_answer_rrs: {fail_if_matches_regexp: ['.*IN.*'], fail_if_not_matches_regexp: ['.*CH.*']}"
  dns_module auth_3600 "$EX" "validate_answer_rrs: {fail_if_matches_regexp: ['.*3600.*'], fail_if_not_matches_regexp: ['.*3600.*']}"
  dns_module auth_7200 "$EX" "validate_answer_rrs: {fail_if_matches_regexp: ['.*7200.*'], fail_if_not_matches_regexp: ['.*7200.*']}"
  dns_module auth_ns "$EX" "validate_authority_rrs: {fail_if_not_matches_regexp: ['ns.*.isp.net']}"
  dns_module auth_glue "$EX" "validate_additional_rrs: {fail_if_not_matches_regexp: ['^ns.*.isp']}"
  dns_module auth_glue_bad "$EX" "validate_additional_rrs: {fail_if_matches_regexp: ['^ns.*.isp']}"
  dns_module auth_all "$EX" "validate_additional_rrs: {fail_if_all_match_regexp: ['.*127.0.0.*']}"
  dns_module auth_none "$EX" "validate_additional_rrs: {fail_if_none_matches_regexp: ['.*127.0.0.3.*']}"
  dns_module ip4 "$EX" "preferred_ip_protocol: ip4"
  dns_module ip6 "$EX" "preferred_ip_protocol: ip6"
  dns_module ip6_only "$EX" "preferred_ip_protocol: ip6" "ip_protocol_fallback: false"
} >"$TMP/blackbox.yml"

start_exporters "$TMP/blackbox.yml"
log "blackbox_exporter $("$BBE" --version 2>&1 | head -n 1 | awk '{ print $3 }') on :$BBE_PORT, ours on :$OUR_PORT"

# ---- the cases: name | outcome upstream asserts (1, 0, or - where it depends on this host's
# ---- localhost) | module | target | metrics compared | deliberate difference (metric=@metric: ours
# ---- reports the value of that other metric of its own, as src/docs/blackbox.md says) -----------
H="http://127.0.0.1:${PORT[origin]}"
TLS_LOCAL="https://localhost:${PORT[tls]}"
r() { # an origin URL answering as the arguments say (key=value ...; spaces allowed in values)
  local query="" arg
  for arg in "$@"; do query+="&${arg// /+}"; done
  printf '%s/r?%s' "$H" "${query#&}"
}
HW="hello world hello world hello world hello world hello world hello world hello world hello world hello world hello world"
LEN="probe_http_content_length probe_http_uncompressed_body_length"
RX="probe_failed_due_to_regex $LEN"
SSL_CERT="probe_http_ssl probe_ssl_earliest_cert_expiry"
TLS_INFO="probe_tls_version_info{=} probe_ssl_earliest_cert_expiry probe_ssl_last_chain_info"
DNS_RRS="probe_dns_answer_rrs probe_dns_authority_rrs probe_dns_additional_rrs probe_dns_query_succeeded"
CT=h=Content-Type
COOKIE_EXAMPLE="h=Set-Cookie:gid=1; Expires=Tue, 19-Mar-2019 20:08:29 GMT; Domain=.example.com; Path=/"
COOKIE_WWW="h=Set-Cookie:zz=4; expires=Mon, 01-Jan-1990 00:00:00 GMT; Domain=www.example.com; Path=/"
CASES=(
  # TestHTTPStatusCodes (200 and 404 with the default codes: blackbox-e2e.sh)
  "http status 201, default codes|1|http_default|$(r status=201)|probe_http_status_code"
  "http status 299, default codes|1|http_default|$(r status=299)|probe_http_status_code"
  "http status 300, default codes|0|http_default|$(r status=300)|probe_http_status_code"
  "http status 404, codes [200, 404]|1|codes_200_404|$(r status=404)|probe_http_status_code"
  "http status 200, codes [200, 404]|1|codes_200_404|$(r status=200)|probe_http_status_code"
  "http status 201, codes [200, 404]|0|codes_200_404|$(r status=201)|probe_http_status_code"
  "http status 404, codes [404]|1|codes_404|$(r status=404)|probe_http_status_code"
  "http status 200, codes [404]|0|codes_404|$(r status=200)|probe_http_status_code"
  # TestValidHTTPVersion
  "http versions [HTTP/1.1]|1|ver_11|$(r)|probe_http_version"
  "http versions [HTTP/1.1, HTTP/2.0]|1|ver_11_20|$(r)|probe_http_version"
  "http versions [HTTP/2.0] on plain http|0|ver_20|$(r)|probe_http_version"
  # TestContentLength
  "length: Content-Encoding identity|1|http_default|$(r "body=$HW" ce=identity)|$LEN"
  "length: no Content-Encoding|1|http_default|$(r "body=$HW")|$LEN"
  "length: unknown Content-Encoding xxx|1|http_default|$(r body=x times=110 ce=xxx)|$LEN"
  "length: 404 with a body|0|http_default|$(r status=404 "body=not found")|$LEN probe_http_status_code"
  "length: br body, no compression|1|http_default|$(r "body=$HW" enc=br ce=br)|$LEN"
  "length: deflate body, no compression|1|http_default|$(r "body=$HW" enc=deflate ce=deflate)|$LEN"
  "length: gzip body, no compression|1|http_default|$(r "body=$HW" enc=gzip ce=gzip)|$LEN"
  # TestHandlingOfCompressionSetting
  "compression gzip|1|cmp_gzip|$(r "body=$HW" enc=gzip ce=gzip)|$LEN"
  "compression br|1|cmp_br|$(r "body=$HW" enc=br ce=br)|$LEN"
  "compression deflate|1|cmp_deflate|$(r "body=$HW" enc=deflate ce=deflate)|$LEN"
  "compression identity|1|cmp_identity|$(r "body=$HW" ce=identity)|$LEN"
  "compression deflate, gzip body (mismatch)|0|cmp_deflate|$(r "body=$HW" enc=gzip ce=gzip)|$LEN"
  "compression gzip, Accept-Encoding gzip|1|cmp_accept_gzip|$(r "body=$HW" enc=gzip ce=gzip)|$LEN"
  "compression gzip, Accept-Encoding br, gzip|1|cmp_accept_br_gzip|$(r "body=$HW" enc=gzip ce=gzip)|$LEN"
  "compression gzip, Accept-Encoding *|1|cmp_accept_any|$(r "body=$HW" enc=gzip ce=gzip)|$LEN"
  # TestMaxResponseLength (body_size_limit 128B)
  "limit 128B, 127 bytes|1|limit_128|$(r body=A times=127)|$LEN"
  "limit 128B, 129 bytes|0|limit_128|$(r body=A times=129)|$LEN"
  "limit 128B, gzip of 127 bytes|1|limit_128_gzip|$(r body=A times=127 enc=gzip ce=gzip)|$LEN"
  "limit 128B, gzip of 129 bytes|0|limit_128_gzip|$(r body=A times=129 enc=gzip ce=gzip)|$LEN"
  # TestRedirectFollowed, TestRedirectionLimit, TestCookieJar
  "redirect followed|1|http_default|$H/moved|probe_http_redirects probe_http_status_code"
  "redirect limit: the 11th is the answer|0|http_default|$H/chain|probe_http_redirects probe_http_status_code"
  "cookie set on a redirect, sent on the next hop|1|http_default|$H/cookie|probe_http_redirects probe_http_status_code"
  # TestPost, TestBasicAuth, TestBearerToken, TestHTTPHeaders
  "method POST|1|post|$H/post-only|probe_http_status_code"
  "GET to the POST-only path|0|http_default|$H/post-only|probe_http_status_code"
  "basic_auth|1|basic|$H/basic|probe_http_status_code"
  "basic_auth, wrong password|0|basic_wrong|$H/basic|probe_http_status_code"
  "bearer_token|1|bearer|$H/bearer|probe_http_status_code"
  "bearer_token, wrong token|0|bearer_wrong|$H/bearer|probe_http_status_code"
  "headers Host, User-Agent, Accept-Language|1|vhost|$H/vhost|probe_http_status_code"
  # TestFailIfBodyMatchesRegexp, TestFailIfBodyNotMatchesRegexp
  "body matches: one regex, match|0|body_db|$(r "body=Bad news: could not connect to database server")|$RX"
  "body matches: one regex, no match|1|body_db|$(r "body=Download the latest version here")|$RX"
  "body matches: two regexes, match|0|body_db_internal|$(r "body=internal error")|$RX"
  "body matches: two regexes, no match|1|body_db_internal|$(r "body=hello world")|$RX"
  "body not matches: one regex, no match|0|body_download|$(r "body=Bad news: could not connect to database server")|$RX"
  "body not matches: one regex, match|1|body_download|$(r "body=Download the latest version here")|$RX"
  "body not matches: two regexes, one matches|0|body_download_copyright|$(r "body=Download the latest version here")|$RX"
  "body not matches: two regexes, both match|1|body_download_copyright|$(r "body=Download the latest version here. Copyright 2015 Test Inc.")|$RX"
  # TestFailIfHeaderMatchesRegexp
  "header matches: text/javascript|0|hm_js|$(r "$CT:text/javascript")|probe_failed_due_to_regex"
  "header matches: octet-stream|1|hm_js|$(r "$CT:application/octet-stream")|probe_failed_due_to_regex"
  "header matches: rule in lower case, octet-stream|1|hm_js_lc|$(r "$CT:application/octet-stream")|probe_failed_due_to_regex"
  "header matches: .* on an empty value|0|hm_any|$(r "$CT:")|probe_failed_due_to_regex"
  "header matches: .* on a missing header|0|hm_any|$(r)|probe_failed_due_to_regex"
  "header matches: .* allow_missing, empty value|0|hm_any_missing|$(r "$CT:")|probe_failed_due_to_regex"
  "header matches: .* allow_missing, missing|1|hm_any_missing|$(r)|probe_failed_due_to_regex"
  "header matches: Set-Cookie, one value|0|hm_cookie|$(r "$COOKIE_EXAMPLE")|probe_failed_due_to_regex"
  "header matches: Set-Cookie, second of two values|0|hm_cookie|$(r "$COOKIE_WWW" "$COOKIE_EXAMPLE")|probe_failed_due_to_regex"
  # TestFailIfHeaderNotMatchesRegexp
  "header not matches: text/javascript|1|hn_js|$(r "$CT:text/javascript")|probe_failed_due_to_regex"
  "header not matches: rule in lower case|1|hn_js_lc|$(r "$CT:text/javascript")|probe_failed_due_to_regex"
  "header not matches: octet-stream|0|hn_js|$(r "$CT:application/octet-stream")|probe_failed_due_to_regex"
  "header not matches: .* on an empty value|1|hn_any|$(r "$CT:")|probe_failed_due_to_regex"
  "header not matches: .* on a missing header|0|hn_any|$(r)|probe_failed_due_to_regex"
  "header not matches: .* allow_missing, missing|1|hn_any_missing|$(r)|probe_failed_due_to_regex"
  "header not matches: Set-Cookie, other domain|0|hn_cookie|$(r "$COOKIE_WWW")|probe_failed_due_to_regex"
  "header not matches: Set-Cookie, second matches|1|hn_cookie|$(r "$COOKIE_WWW" "$COOKIE_EXAMPLE")|probe_failed_due_to_regex"
  # TestFailIfSelfSignedCA, TestSucceedIfSelfSignedCA, TestTLSConfigIsIgnoredForPlainHTTP,
  # TestHTTPUsesTargetAsTLSServerName, TestRedirectToTLSHostWorks, TestHTTPPhases
  "https self-signed, verified|0|http_default|https://127.0.0.1:${PORT[tls]}/r|probe_http_ssl"
  "https self-signed, insecure_skip_verify|1|tls_insecure|https://127.0.0.1:${PORT[tls]}/r|probe_http_ssl probe_http_duration_seconds{}"
  "tls_config on plain http|1|tls_verify_plain|$(r)|probe_http_ssl"
  "https ca_file, target named localhost|1|tls_ca|$TLS_LOCAL/r|$SSL_CERT"
  "https ca_file, target 127.0.0.1 (no IP SAN)|0|tls_ca|https://127.0.0.1:${PORT[tls]}/r|probe_http_ssl"
  "https ca_file, server_name localhost|1|tls_ca_named|https://127.0.0.1:${PORT[tls]}/r|$SSL_CERT"
  "redirect from http to https://localhost|1|tls_ca|$H/to?url=$TLS_LOCAL/r|$SSL_CERT probe_http_redirects"
  # TestSkipResolvePhase
  "skip_resolve_phase_with_proxy, no proxy|1|skip_no_proxy|$(r status=204)|probe_http_status_code probe_http_duration_seconds{}"
  "skip_resolve_phase_with_proxy, via a proxy|1|proxy_skip|$(r status=204)|probe_http_status_code probe_http_duration_seconds{}"
  "via a proxy, resolved here|1|proxy_resolve|$(r status=204)|probe_http_status_code probe_http_duration_seconds{}"
  # TestTCPConnection, TestTCPConnectionFails, TestPrometheusTimeoutTCP
  "tcp accept and close|1|tcp_default|127.0.0.1:${PORT[close]}|probe_ip_protocol"
  "tcp target :0 (empty host)|0|tcp_default|:0|probe_ip_protocol"
  "tcp closed before the expected banner|0|ssh_expect|127.0.0.1:${PORT[close]}|probe_failed_due_to_regex"
  # TestTCPConnectionWithTLS, ...AndVerifiedCertificateChain
  "tcp tls, ca_file, target 127.0.0.1 (no IP SAN)|0|tcp_tls|127.0.0.1:${PORT[tls12]}|probe_ip_protocol"
  "tcp tls, ca_file, target localhost|1|tcp_tls|localhost:${PORT[tls12]}|$TLS_INFO"
  "tcp tls, server_name localhost|1|tcp_tls_named|127.0.0.1:${PORT[tls12]}|$TLS_INFO"
  "tcp tls, chain with an older root|1|tcp_tls_chain|localhost:${PORT[chain]}|$TLS_INFO probe_ssl_last_chain_expiry_timestamp_seconds|probe_ssl_last_chain_expiry_timestamp_seconds=@probe_ssl_earliest_cert_expiry"
  # TestTCPConnectionQueryResponseIRC, ...Matching
  "tcp irc welcome|1|irc|localhost:${PORT[irc_ok]}|probe_failed_due_to_regex"
  "tcp irc blacklisted|0|irc|localhost:${PORT[irc_banned]}|probe_failed_due_to_regex"
  "tcp expect capture sent back|1|ssh_confirm|127.0.0.1:${PORT[ssh]}|probe_failed_due_to_regex"
  "tcp expect capture sent back, answer checked|1|ssh_confirm_checked|127.0.0.1:${PORT[ssh]}|probe_failed_due_to_regex"
  # TestTCPConnectionProtocol, TestChooseProtocol (localhost here may lack ::1: then "-")
  "tcp ip4 on localhost|1|tcp_ip4|localhost:${PORT[close]}|probe_ip_protocol"
  "tcp ip6 with fallback on localhost|1|tcp_ip6|localhost:${PORT[close]}|probe_ip_protocol"
  "tcp ip6 without fallback on localhost|-|tcp_ip6_only|localhost:${PORT[close]}|probe_ip_protocol"
  "tcp default preference on localhost|1|tcp_default|localhost:${PORT[close]}|probe_ip_protocol"
  "tcp ip6 on [::1]|1|tcp_ip6_only|[::1]:${PORT[close]}|probe_ip_protocol"
  "tcp ip4 with fallback on [::1]|1|tcp_ip4|[::1]:${PORT[close]}|probe_ip_protocol"
  "tcp ip4 without fallback on [::1]|0|tcp_ip4_only|[::1]:${PORT[close]}|probe_ip_protocol"
)
for p in udp tcp; do
  REC="127.0.0.1:${PORT[dns_rec]}"; AUTH="127.0.0.1:${PORT[dns_auth]}"; FAILS="127.0.0.1:${PORT[dns_fail]}"
  CASES+=(
    # TestRecursiveDNSResponse
    "dns/$p recursive: answer|1|rec_ok_$p|$REC|$DNS_RRS"
    "dns/$p recursive: rcodes SERVFAIL, NXDOMAIN|0|rcodes_$p|$REC|$DNS_RRS"
    "dns/$p recursive: answer TTL rules|1|rec_answer_$p|$REC|$DNS_RRS"
    "dns/$p recursive: authority rule, none there|1|rec_authority_$p|$REC|$DNS_RRS"
    "dns/$p recursive: additional must match, none there|0|rec_additional_$p|$REC|$DNS_RRS"
    "dns/$p recursive: no RD, REFUSED|0|rec_no_rd_$p|$REC|$DNS_RRS"
    # TestAuthoritativeDNSResponse
    "dns/$p authoritative: A|1|rec_ok_$p|$AUTH|$DNS_RRS"
    "dns/$p authoritative: SOA serial|1|auth_soa_$p|$AUTH|$DNS_RRS probe_dns_serial"
    "dns/$p authoritative: class CH TXT|1|auth_chaos_$p|$AUTH|$DNS_RRS"
    "dns/$p authoritative: rcodes SERVFAIL, NXDOMAIN|0|rcodes_$p|$AUTH|$DNS_RRS"
    "dns/$p authoritative: matches and not matches 3600|0|auth_3600_$p|$AUTH|$DNS_RRS"
    "dns/$p authoritative: matches and not matches 7200|0|auth_7200_$p|$AUTH|$DNS_RRS"
    "dns/$p authoritative: authority names|1|auth_ns_$p|$AUTH|$DNS_RRS"
    "dns/$p authoritative: glue must match|1|auth_glue_$p|$AUTH|$DNS_RRS"
    "dns/$p authoritative: glue must not match|0|auth_glue_bad_$p|$AUTH|$DNS_RRS"
    "dns/$p authoritative: fail_if_all_match (inverted)|0|auth_all_$p|$AUTH|$DNS_RRS"
    "dns/$p authoritative: fail_if_none_matches|0|auth_none_$p|$AUTH|$DNS_RRS"
    # TestServfailDNSResponse
    "dns/$p servfail: default rcodes|0|rec_ok_$p|$FAILS|$DNS_RRS"
    "dns/$p servfail: rcodes SERVFAIL, NXDOMAIN|1|rcodes_$p|$FAILS|$DNS_RRS"
    # TestDNSProtocol, TestDNSMetrics
    "dns/$p ip4 on localhost|1|ip4_$p|localhost:${PORT[dns_rec]}|probe_ip_protocol probe_dns_duration_seconds{}"
    "dns/$p ip6 with fallback on localhost|1|ip6_$p|localhost:${PORT[dns_rec]}|probe_ip_protocol"
    "dns/$p ip6 without fallback on localhost|-|ip6_only_$p|localhost:${PORT[dns_rec]}|probe_ip_protocol"
    "dns/$p ip6 on [::1]|1|ip6_only_$p|[::1]:${PORT[dns_rec]}|probe_ip_protocol $DNS_RRS"
    "dns/$p target :port (empty host)|0|rec_ok_$p|:${PORT[dns_rec]}|probe_ip_protocol probe_dns_query_succeeded"
  )
done

# ---- run each case against both (one Python process for the table: a fork per value is slow) ---
printf '%s\n' "${CASES[@]}" >"$TMP/cases"
write_runner "$TMP/runner.py"
python3 "$TMP/runner.py" "$BBE_PORT" "$OUR_PORT" "$TMP/cases" \
  || fail "a case disagrees (DIFF) or is re-created wrongly (WRONG CASE): see the table"
log "every case agrees with blackbox_exporter 0.23 or differs as src/docs/blackbox.md documents"
