"""Load test: readers on the API while an editor publishes, three ways.

    python bench/load_test.py [--seconds 60] [--users 50] [--publish-every 2]

Needs DATABASE_URL on a PostgreSQL database built by bench/api_bench.py.
Starts a Redis of its own (on a free port), gunicorn with the production
settings on it, and for each run, once each answer the readers ask for has
been asked for once (the caches warm), an editor publishing a new revision every
``--publish-every`` seconds (bench/publish_during_load.py) while Locust's
``--users`` readers (bench/locustfile.py) read for ``--seconds``:

1. direct: the readers on gunicorn;
2. through Varnish: Debian's varnishd with deploy/varnish/health_articles.vcl
   in front of the same gunicorn, purged by cache tag after each publish;
3. Redis stopped: direct, with Redis stopped for a third of the run in the
   middle, then started again.

Prints each run's p50/p95 and failures, then the targets (p95 at most 150 ms
direct and 20 ms through Varnish with no failures; no 5xx with Redis
stopped) and exits 1 if one is missed.
"""

import argparse
import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.locustfile import IDS, TAGS, every_path  # noqa: E402
from bench.targets import check  # noqa: E402

BIN = Path(sys.executable).parent
VCL = ROOT / "deploy/varnish/health_articles.vcl"
RUNS = ("direct", "through Varnish", "Redis stopped")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, process, what, seconds=30):
    deadline = time.monotonic() + seconds
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{what} did not start") from None
            time.sleep(0.1)


class Redis:
    def __init__(self):
        self.port = free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [shutil.which("redis-server"), "--port", str(self.port)]
            + ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--maxmemory", "256mb", "--maxmemory-policy", "volatile-lru"],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port, self.process, "redis-server")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def start_varnish(backend_port, workdir):
    port = free_port()
    workdir.chmod(0o755)  # Varnish's worker process reads it as another user
    vcl = workdir / "site.vcl"
    vcl.write_text(VCL.read_text().replace("BACKEND_PORT", str(backend_port)))
    vcl.chmod(0o644)
    varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
    process = subprocess.Popen(  # noqa: S603
        [varnishd, "-F", "-a", f"127.0.0.1:{port}", "-f", str(vcl)]
        + ["-n", str(workdir), "-s", "malloc,256m"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, process, "varnishd")
    return process, port


def get_json(url):
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310
        return json.load(response)


def warm(host):
    """Ask for each path the readers will, once: what is measured is
    readers while an editor publishes, not a cache filling from empty."""
    api = f"{host}/api/v2/"
    ids = [item["id"] for item in get_json(api + IDS)["items"]]
    tags = [item["slug"] for item in get_json(api + TAGS)["items"]]
    paths = every_path(ids, tags)
    start = time.monotonic()
    for done, path in enumerate(paths, 1):
        get_json(api + path)
        if done % 25 == 0 or done == len(paths):
            print(f"    warmed {done}/{len(paths)} answers", flush=True)
    print(f"    in {time.monotonic() - start:.0f} s", flush=True)


def locust(host, args, prefix, during=None):
    """Run Locust against ``host``; ``during(elapsed)`` is called each
    second. (p50, p95, requests, failures, 5xx) of all requests."""
    readers = subprocess.Popen(  # noqa: S603
        [BIN / "locust", "-f", ROOT / "bench/locustfile.py", "--headless"]
        + ["--users", str(args.users), "--spawn-rate", str(args.users)]
        + ["--run-time", f"{args.seconds}s", "--host", host, "--csv", prefix]
        + ["--only-summary", "--loglevel", "WARNING"],
        stdout=subprocess.DEVNULL,
    )
    start = time.monotonic()
    while readers.poll() is None:
        if during:
            during(time.monotonic() - start)
        time.sleep(1)
    with open(f"{prefix}_stats.csv") as stats:
        rows = csv.DictReader(stats)
        total = next(row for row in rows if row["Name"] == "Aggregated")
    with open(f"{prefix}_failures.csv") as failures:
        rows = list(csv.DictReader(failures))
    server_errors = sum(
        int(row["Occurrences"])
        for row in rows
        if any(f"{code}" in row["Error"] for code in range(500, 600))
    )
    for row in rows:
        print(f"    failure: {row['Occurrences']} x {row['Error'][:160]}")
    return (
        float(total["50%"]),
        float(total["95%"]),
        int(total["Request Count"]),
        int(total["Failure Count"]),
        server_errors,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--publish-every", type=float, default=2)
    parser.add_argument(
        "--runs", default=",".join(RUNS), help="some of: " + ", ".join(RUNS)
    )
    args = parser.parse_args()
    runs = [run.strip() for run in args.runs.split(",")]
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database (make bench).")

    redis = Redis()
    redis.start()
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="health-articles-load-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "blogsite.settings.production",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "load-test-only-" + "x" * 50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
    }
    results = {}
    varnish = None
    try:
        for run in runs:
            run_env = dict(env)
            if run == "through Varnish":
                varnish, varnish_port = start_varnish(port, workdir)
                run_env["VARNISH_URLS"] = f"http://127.0.0.1:{varnish_port}/"
            server = subprocess.Popen(  # noqa: S603
                [BIN / "gunicorn", "blogsite.wsgi", "-c", "blogsite/gunicorn.conf.py"]
                + ["--bind", f"127.0.0.1:{port}", "--workers", "3"]
                + ["--log-level", "warning"],
                cwd=ROOT,
                env=run_env,
            )
            wait_for_port(port, server, "gunicorn")
            print(f"== {run}: warming the caches", flush=True)
            warm(f"http://127.0.0.1:{varnish_port if varnish else port}")
            editor = subprocess.Popen(  # noqa: S603
                [sys.executable, ROOT / "bench/publish_during_load.py"]
                + [str(args.seconds), str(args.publish_every)],
                cwd=ROOT,
                env=run_env,
            )
            host = f"http://127.0.0.1:{varnish_port if varnish else port}"
            third = args.seconds / 3
            stopped = []

            def outage(elapsed, run=run, third=third, stopped=stopped):
                if run != "Redis stopped":
                    return
                if not stopped and elapsed >= third:
                    redis.stop()
                    stopped.append(elapsed)
                    print(f"    Redis stopped at {elapsed:.0f} s", flush=True)
                elif len(stopped) == 1 and elapsed >= 2 * third:
                    redis.start()
                    stopped.append(elapsed)
                    print(f"    Redis started at {elapsed:.0f} s", flush=True)

            print(f"== {run}: {args.users} readers for {args.seconds} s", flush=True)
            results[run] = locust(host, args, str(workdir / run.split()[0]), outage)
            editor.wait(timeout=args.seconds + 30)
            server.terminate()
            server.wait(timeout=30)
            if varnish:
                varnish.terminate()
                varnish.wait(timeout=30)
                varnish = None
    finally:
        if varnish:
            varnish.terminate()
        redis.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"\n{'run':<18}{'p50 ms':>8}{'p95 ms':>8}{'requests':>10}{'failures':>10}")
    for run, (p50, p95, count, failures, _) in results.items():
        print(f"{run:<18}{p50:>8.0f}{p95:>8.0f}{count:>10}{failures:>10}")
    limits = {
        "direct": [("p95 <= 150 ms", 1, 150), ("failures = 0", 3, 0)],
        "through Varnish": [("p95 <= 20 ms", 1, 20), ("failures = 0", 3, 0)],
        "Redis stopped": [("5xx = 0, Redis stopped for a third of the run", 4, 0)],
    }
    targets = [
        (f"{run}: {name}", results[run][index], limit)
        for run in results
        for name, index, limit in limits[run]
    ]
    return check(targets)


if __name__ == "__main__":
    sys.exit(1 if main() else 0)
