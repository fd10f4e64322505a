#!/usr/bin/env python3
"""Prepares the client-API benchmarks against a `seatwise serve --demo` on loopback.

Signs in as eve@contoso.example, creates a personal API token (so the benchmarks send
Authorization: Bearer and need no CSRF), registers computers in Contoso Design, activates
Draftline (DRL, a sign-in seat eve holds) on the first and checks out a floating Structa
(STR) seat on it. Prints shell assignments for bench.sh:

    BENCH_API_TOKEN=swp_...        BENCH_ACTIVATION_ID=...
    BENCH_DEVICE_ID=...            BENCH_LEASE_ID=...
    BENCH_CYCLE_DEVICES=id,id,...  (computers for the checkout+release cycle, no lease yet)

usage: client_setup.py PORT CYCLE_DEVICES
"""
import hashlib
import http.cookiejar
import json
import sys
import urllib.error
import urllib.request

EMAIL = "eve@contoso.example"
PASSWORD = "seatwise-demo"


def main():
    port, cycle_devices = int(sys.argv[1]), int(sys.argv[2])
    base = f"http://127.0.0.1:{port}"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def call(method, path, body=None, headers=None, expect=(200, 201)):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(base + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with opener.open(request, timeout=30) as reply:
                status, text = reply.status, reply.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        if status not in expect:
            sys.exit(f"client setup: {method} {path} answered {status}: {text[:500]}")
        return json.loads(text) if text else {}

    signed_in = call("POST", "/api/v1/auth/sign-in", {"email": EMAIL, "password": PASSWORD})
    created = call("POST", "/api/v1/me/tokens", {"name": "bench", "expires_in_days": 1},
                   headers={"X-CSRF-Token": signed_in["csrf_token"]})
    token = created["token"]
    # From here on only the bearer token: what the benchmarks send.
    jar.clear()
    bearer = {"Authorization": "Bearer " + token}

    def device(name):
        fingerprint = hashlib.sha256(f"seatwise-bench-{name}".encode()).hexdigest()
        registered = call("POST", "/api/v1/client/devices",
                          {"fingerprint": fingerprint, "asset_name": f"bench-{name}",
                           "os": "Linux", "app_version": "bench"}, headers=bearer)
        return registered["device_id"]

    main_device = device("main")
    activated = call("POST", "/api/v1/client/activations",
                     {"product": "DRL", "device_id": main_device}, headers=bearer)
    lease = call("POST", "/api/v1/client/leases",
                 {"product": "STR", "device_id": main_device, "user_name": "eve",
                  "host": "bench-main"}, headers=bearer)
    cycle = [device(f"cycle-{i}") for i in range(cycle_devices)]

    print(f"BENCH_API_TOKEN={token}")
    print(f"BENCH_DEVICE_ID={main_device}")
    print(f"BENCH_ACTIVATION_ID={activated['activation_id']}")
    print(f"BENCH_LEASE_ID={lease['lease_id']}")
    print(f"BENCH_CYCLE_DEVICES={','.join(cycle)}")


if __name__ == "__main__":
    main()
