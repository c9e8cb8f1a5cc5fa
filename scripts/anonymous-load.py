#!/usr/bin/env python3
"""Anonymous load on the public functions of a running Relais server, and
the server's peak memory: N parallel `reset_password` calls with made-up
links and N parallel wrong logins (each from its own address when the
server trusts one proxy, else from this machine), then the server's peak
resident memory (VmHWM of its process) before and after.

    scripts/anonymous-load.py --url http://127.0.0.1:3000 --pid <server pid> [-n 200]
"""
import argparse, concurrent.futures as cf, json, time, urllib.request, urllib.error

def mem(pid):
    with open(f"/proc/{pid}/status") as f:
        fields = dict(l.split(":", 1) for l in f if ":" in l)
    return {k: fields[k].strip() for k in ("VmRSS", "VmHWM")}

def call(url, path, body, i):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", "X-Forwarded-For": f"198.51.{i // 250}.{i % 250}"})
    t = time.time()
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            status = r.status
    except urllib.error.HTTPError as e:
        status = e.code
    except Exception as e:
        status = type(e).__name__
    return status, time.time() - t

def burst(url, path, make, n):
    with cf.ThreadPoolExecutor(max_workers=n) as pool:
        results = list(pool.map(lambda i: call(url, path, make(i), i), range(n)))
    statuses = {}
    for s, _ in results:
        statuses[s] = statuses.get(s, 0) + 1
    slowest = max(t for _, t in results)
    return statuses, slowest

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", default="http://127.0.0.1:3000")
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("-n", type=int, default=200)
    a = p.parse_args()
    print("before:", mem(a.pid))
    s, t = burst(a.url, "/api/auth/reset_password",
                 lambda i: {"token": f"{i:064x}", "password": "a long new password"}, a.n)
    print(f"{a.n} reset_password: {s}, slowest {t:.2f} s;", mem(a.pid))
    s, t = burst(a.url, "/api/auth/login",
                 lambda i: {"email": f"nobody{i}@relais.example", "password": "wrong password", "locale": "en"}, a.n)
    print(f"{a.n} logins: {s}, slowest {t:.2f} s;", mem(a.pid))
    s, t = burst(a.url, "/api/auth/login",
                 lambda i: {"email": "admin@relais.example", "password": "wrong password", "locale": "en"}, a.n)
    print(f"{a.n} logins on one account: {s}, slowest {t:.2f} s;", mem(a.pid))

main()
