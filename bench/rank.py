"""Benchmark `tealeaves rank`: ingest and ranking of a generated Zeek dns.log.

    python bench/rank.py [--lines 10000000] [--series 100000] [--days 1] [--threads 0]
                         [--seed 0] [--keep] [--markdown FILE]

Generates a Zeek TSV log (ts, id.orig_h, query, qtype_name, rcode, TTLs) of `--lines` lines
spread over `--series` (client, qname) series across `--days` days, under /tmp, then ranks it in
a fresh subprocess with `tealeaves.rank.rank(path, threads=...)` (the engine's fast path: C++
ingest, C++ grouping, one parallel verdict pass, BH). Series sizes are drawn log-normally (most
small, a few large); 5% of series are beacons (fixed period with jitter), the rest Poisson.

Reported: ingest lines per second (the engine's read_log, one core), ranking series per second
(series scored, i.e. with >= 20 lookups, divided by the ranking wall time; all threads), the
whole call's wall time and the worker's peak resident memory (VmHWM from /proc/self/status:
the ru_maxrss of this process image; ru_maxrss itself would inherit the generator's peak). The
log is deleted afterwards unless --keep. Results go to bench/results/rank_latest.json (and
--markdown).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HEADER = (
    "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n"
    "#open\t2026-01-01-00-00-00\n"
    "#fields\tts\tid.orig_h\tquery\tqtype_name\trcode\tTTLs\n"
    "#types\ttime\taddr\tstring\tstring\tcount\tvector[interval]\n"
)


def generate(path: Path, lines: int, series: int, days: float, seed: int) -> dict[str, int]:
    """Writes the log; returns what it holds."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    span = 86400.0 * days
    weights = rng.lognormal(0.0, 1.0, series)
    sizes = np.maximum(1, np.floor(weights / weights.sum() * lines)).astype(np.int64)
    sizes[np.argmax(sizes)] += lines - sizes.sum()  # exactly `lines` rows
    beacon = rng.random(series) < 0.05
    ts = np.empty(lines)
    sid = np.repeat(np.arange(series), sizes)
    pos = 0
    for s, n in enumerate(sizes):
        if beacon[s]:
            period = span / n
            ts[pos : pos + n] = (
                rng.uniform(0, period) + period * np.arange(n) + rng.normal(0, 0.5, n)
            )
        else:
            ts[pos : pos + n] = rng.uniform(0.0, span, n)
        pos += n
    ts = np.clip(ts, 0.0, span) + 1.7e9
    order = np.argsort(ts, kind="stable")
    clients = np.array(
        [f"10.{(c >> 16) & 255}.{(c >> 8) & 255}.{c & 255}" for c in range(series // 10 + 1)]
    )
    names = np.array([f"host{q}.example.com" for q in range(series)])
    frame = pd.DataFrame(
        {
            "ts": ts[order],
            "client": clients[sid[order] % len(clients)],
            "qname": names[sid[order]],
            "qtype": "A",
            "rcode": 0,
            "ttl": "300.000000",
        }
    )
    with open(path, "w") as f:
        f.write(HEADER)
        frame.to_csv(f, sep="\t", header=False, index=False, float_format="%.6f")
        f.write("#close\t2026-01-02-00-00-00\n")
    return {"lines": int(lines), "series": int(series), "beacons": int(beacon.sum())}


def worker(path: str, threads: int) -> None:
    from tealeaves.rank import rank

    t0 = time.perf_counter()
    result = rank(path, threads=threads)
    wall = time.perf_counter() - t0
    # VmHWM is this process image's peak RSS. ru_maxrss would be the same number, except that
    # Linux carries it across fork + exec: it would report the generating parent's peak.
    maxrss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                maxrss_kib = int(line.split()[1])
    json.dump(
        {
            "wall_s": wall,
            "seconds": result.seconds,
            "lines_read": result.ingest["lines_read"],
            "lines_used": result.ingest["lines_used"],
            "n_series": result.n_series,
            "n_tested": result.n_tested,
            "n_significant": int((result.table["q_value"] < 0.01).sum()),
            "periodic": int((result.table["verdict"] == "periodic").sum()),
            "peak_rss_mib": maxrss_kib / 1024.0,
        },
        sys.stdout,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=float, default=10_000_000)
    parser.add_argument("--series", type=float, default=100_000)
    parser.add_argument("--days", type=float, default=1.0)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the generated log")
    parser.add_argument("--markdown", default=None)
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.threads)
        return 0

    lines, series = int(args.lines), int(args.series)
    fd, name = tempfile.mkstemp(prefix="tealeaves-rank-bench-", suffix=".log", dir="/tmp")
    os.close(fd)
    path = Path(name)
    try:
        t0 = time.perf_counter()
        truth = generate(path, lines, series, args.days, args.seed)
        generate_s = time.perf_counter() - t0
        size_mb = path.stat().st_size / 1e6
        out = subprocess.run(
            [sys.executable, __file__, "--worker", str(path), "--threads", str(args.threads)],
            check=True,
            capture_output=True,
            text=True,
            env=os.environ,
        ).stdout
        measured = json.loads(out)
    finally:
        if not args.keep:
            path.unlink(missing_ok=True)
    ingest_s = measured["seconds"]["ingest"]
    rank_s = measured["seconds"]["rank"]
    result = {
        "bench": "rank",
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "input": {**truth, "days": args.days, "file_mb": round(size_mb, 1), "seed": args.seed},
        "generate_s": round(generate_s, 2),
        "threads": args.threads,
        **measured,
        "ingest_lines_per_s": measured["lines_read"] / ingest_s,
        "rank_series_per_s": measured["n_tested"] / rank_s,
    }
    results = Path(__file__).parent / "results"
    results.mkdir(exist_ok=True)
    (results / "rank_latest.json").write_text(json.dumps(result, indent=1) + "\n")
    table = (
        f"| lines | series (scored) | file MB | ingest s | ingest lines/s | rank s | "
        f"series/s | peak RSS MiB |\n|---|---|---|---|---|---|---|---|\n"
        f"| {lines:,} | {measured['n_series']:,} ({measured['n_tested']:,}) | {size_mb:.0f} | "
        f"{ingest_s:.2f} | {result['ingest_lines_per_s']:,.0f} | {rank_s:.2f} | "
        f"{result['rank_series_per_s']:,.0f} | {measured['peak_rss_mib']:.0f} |\n"
    )
    print(table, end="")
    print(
        f"{measured['periodic']} periodic verdicts for {truth['beacons']} generated beacons; "
        f"{measured['n_significant']} series with q < 0.01"
    )
    if args.markdown:
        Path(args.markdown).write_text(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
