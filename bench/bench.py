#!/usr/bin/env python3
"""Measures namrong's full build on generated sites; called by bench/run (see there for usage).

For each size N: generate the site once (cached under target/bench-sites/N), build it --runs
times with all cores and again with RAYON_NUM_THREADS=1, time `cp -r` of the output, and report
the figures as Markdown on stdout and in target/bench-results.md. Peak memory is the child's
maximum resident set size and CPU time its user+system time, both from wait4().

Every timed build and copy writes into a folder of its own, and the outputs are deleted only
after all runs of a size. On ext4 without a journal the kernel avoids reusing an inode deleted
less than 60 s ago, or 360 s while its inode table block is being written to, and checking
each candidate makes creating many files soon after deleting many several times slower. On such
a file system the script therefore runs `sync` and waits (--settle, 365 s by default there, 0
elsewhere) after its own deletions before it times anything again.
"""

import argparse
import hashlib
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
if not TARGET.is_absolute():
    TARGET = ROOT / TARGET
NAMRONG = TARGET / "release" / "namrong"
GEN_SITE = TARGET / "release" / "examples" / "gen_site"
SITES = TARGET / "bench-sites"
RESULTS = TARGET / "bench-results.md"

# The generator's inputs: a corpus is regenerated when any of them changes.
GEN_INPUTS = [
    ROOT / "examples" / "gen_site.rs",
    ROOT / "examples" / "support" / "scene.rs",
    ROOT / "bench" / "data" / "thai_sentences.txt",
    ROOT / "bench" / "data" / "english_sentences.txt",
    ROOT / "src" / "model" / "provinces.tsv",
]

PHOTOS = re.compile(r"photos: (\d+) processed, (\d+) from the cache")
SUMMARY = re.compile(
    r"built (\d+) Thai and (\d+) English pages, (\d+) other files \(([\d.]+) MB\) into .* in ([\d.]+) s"
    r"(?:: (?P<written>\d+) written, (?P<unchanged>\d+) unchanged, (?P<removed>\d+) removed)?(?P<rest>.*)$"
)

# Targets for 10,000 pilots (see BENCHMARKS.md).
TARGET_PILOTS = 10_000
TARGET_SECONDS = 10.0
TARGET_RSS_MB = 1024.0
TARGET_CP_RATIO = 3.0
TARGET_SCALING = 11.0
TARGET_SPEEDUP_2 = 1.8


class BenchError(Exception):
    pass


def parse_args():
    p = argparse.ArgumentParser(prog="bench/run", description="Full-build benchmark of namrong.")
    p.add_argument("--sizes", default="100,1000,10000", help="comma-separated pilot counts")
    p.add_argument("--runs", type=int, default=5, help="timed builds per size and thread setting")
    p.add_argument("--quick", action="store_true", help="smoke test: size 100, one run")
    p.add_argument("--regen", action="store_true", help="regenerate the corpora even if cached")
    p.add_argument("--seed", type=int, default=1, help="generator seed")
    p.add_argument("--dir", type=Path, default=SITES, help="where the corpora and outputs live")
    p.add_argument(
        "--settle",
        type=float,
        default=None,
        help="seconds to wait after deleting outputs before timing again "
        "(default: 365 on ext4 without a journal, else 0)",
    )
    a = p.parse_args()
    if a.quick:
        a.sizes, a.runs, a.settle = "100", 1, 0.0
    try:
        a.sizes = [int(s) for s in a.sizes.split(",") if s.strip()]
    except ValueError:
        p.error("--sizes takes numbers separated by commas, e.g. 100,1000")
    if not a.sizes or min(a.sizes) < 1 or a.runs < 1:
        p.error("sizes and --runs must be at least 1")
    a.dir = a.dir.resolve()
    if a.settle is None:
        a.settle = 365.0 if ext4_without_journal(a.dir) else 0.0
    return a


def ext4_without_journal(path):
    """True when `path` is on an ext4 file system mounted without a journal."""
    best, device, fstype = "", "", ""
    try:
        for line in Path("/proc/self/mounts").read_text().splitlines():
            dev, mount, kind = line.split()[:3]
            inside = str(path) == mount or str(path).startswith(mount.rstrip("/") + "/")
            if inside and len(mount) > len(best):
                best, device, fstype = mount, dev, kind
        if fstype != "ext4":
            return False
        task = Path("/sys/fs/ext4") / Path(os.path.realpath(device)).name / "journal_task"
        return task.read_text().strip() == "<none>"
    except (OSError, ValueError):
        return False


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def stamp(n, seed):
    h = hashlib.sha256(f"{n} {seed}\n".encode())
    for f in GEN_INPUTS:
        h.update(f.read_bytes())
    return h.hexdigest()


class Disk:
    """Deletes folders and makes the next timed step wait until the deletions have settled."""

    def __init__(self, settle):
        self.settle = settle
        self.deleted_at = None

    def remove(self, *paths):
        for path in paths:
            if path.exists():
                shutil.rmtree(path)
                self.deleted_at = time.monotonic()

    def wait(self):
        if self.deleted_at is None or self.settle <= 0:
            return
        subprocess.run(["sync"], check=False)
        left = self.settle - (time.monotonic() - self.deleted_at)
        if left > 0:
            log(f"waiting {left:.0f} s for deleted files to settle (--settle)")
            time.sleep(left)
        self.deleted_at = None


def corpus(n, args, disk):
    """The site folder for n pilots, generated unless an up-to-date copy is cached."""
    seed, regen = args.seed, args.regen
    site = args.dir / str(n)
    stamp_file = site / ".gen-stamp"
    want = stamp(n, seed)
    if not regen and stamp_file.exists() and stamp_file.read_text() == want:
        return site
    disk.remove(site)
    log(f"generating {n} pilots into {site}")
    extra = [] if getattr(args, "photos_every", None) is None else ["--photos-every", str(args.photos_every)]
    r = subprocess.run(
        [str(GEN_SITE), "--pilots", str(n), "--out", str(site), "--seed", str(seed), *extra],
        capture_output=True,
        text=True,
    )
    if r.returncode != 0:
        raise BenchError(f"gen_site failed for {n} pilots:\n{r.stdout}{r.stderr}")
    log("  " + r.stdout.strip())
    stamp_file.write_text(want)
    return site


def timed(argv, env=None):
    """Runs argv; returns (wall s, peak RSS MB, CPU s, exit code, stdout, stderr)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = lambda f: f.read().decode("utf-8", "replace")
        cpu = usage.ru_utime + usage.ru_stime
        return wall, usage.ru_maxrss / 1024.0, cpu, proc.returncode, text(out), text(err)


def warm(site):
    """Reads every content file, so that each build starts with its sources in the page cache
    (some virtual machines hand cold page-cache memory back to the host between runs)."""
    for path in (site / "content").rglob("*"):
        if path.is_file():
            path.read_bytes()


def build_once(site, output, threads):
    """One full build into `output`, a folder that does not exist yet."""
    warm(site)
    env = dict(os.environ)
    env.pop("RAYON_NUM_THREADS", None)
    if threads is not None:
        env["RAYON_NUM_THREADS"] = str(threads)
    argv = [str(NAMRONG), "build", "--root", str(site), "--output", str(output)]
    wall, rss, cpu, code, out, err = timed(argv, env)
    if code != 0:
        raise BenchError(f"build of {site} failed (exit {code}):\n{out}{err}")
    line = next((l for l in out.splitlines() if SUMMARY.match(l)), None)
    if line is None:
        raise BenchError(f"no summary line in the output of building {site}:\n{out}{err}")
    m = SUMMARY.match(line)
    if m.group("rest").strip() or err.strip():
        raise BenchError(f"building {site} printed warnings; the generated site must build cleanly:\n{err}{line}")
    photos = PHOTOS.search(out)
    processed, cached = (int(photos.group(1)), int(photos.group(2))) if photos else (0, 0)
    return {"wall": wall, "rss": rss, "cpu": cpu, "pages": int(m.group(1)) + int(m.group(2)),
            "processed": processed, "cached": cached, "written": int(m.group("written") or 0)}


def du_bytes(path):
    return int(subprocess.run(["du", "-sb", str(path)], capture_output=True, text=True, check=True).stdout.split()[0])


def cp_once(source, copy):
    wall, _, _, code, out, err = timed(["cp", "-r", str(source), str(copy)])
    if code != 0:
        raise BenchError(f"cp -r failed:\n{out}{err}")
    return wall


def measure(n, site, runs, disk):
    runs_dir = site / "runs"
    disk.remove(runs_dir)
    disk.wait()
    runs_dir.mkdir()
    # The corpus's photos are processed once before anything is timed: the figures below are
    # of builds with the photo cache filled, as an editor's are. measure_photos times the rest.
    if not (site / ".namrong-cache" / "images").is_dir():
        log(f"{n} pilots: one untimed build to fill the photo cache")
        build_once(site, runs_dir / "prime", None)
    load = os.getloadavg()[0]
    try:
        log(f"{n} pilots: {runs} build(s) with all cores")
        full = [build_once(site, runs_dir / f"all-{k}", None) for k in range(runs)]
        out_bytes = du_bytes(runs_dir / "all-0")
        log(f"{n} pilots: {runs} cp -r of the output")
        cps = [cp_once(runs_dir / "all-0", runs_dir / f"cp-{k}") for k in range(runs)]
        log(f"{n} pilots: {runs} build(s) with RAYON_NUM_THREADS=1")
        single = [build_once(site, runs_dir / f"one-{k}", 1) for k in range(runs)]
    finally:
        log(f"{n} pilots: deleting the outputs of the runs")
        disk.remove(runs_dir)
    memory = measure_in_memory(n, site, runs)
    walls = [r["wall"] for r in full]
    med = statistics.median(walls)
    one = statistics.median(r["wall"] for r in single)
    cp = statistics.median(cps)
    return {
        "n": n,
        "pages": full[0]["pages"],
        "median": med,
        "min": min(walls),
        "max": max(walls),
        "pages_per_s": full[0]["pages"] / med,
        "out_mb": out_bytes / 1e6,
        "rss_mb": max(r["rss"] for r in full),
        "rss1_mb": max(r["rss"] for r in single),
        "cpu": statistics.median(r["cpu"] for r in full),
        "load": load,
        "one_thread": one,
        "speedup": one / med,
        "cp": cp,
        "cp_ratio": med / cp,
        **memory,
    }


def measure_in_memory(n, site, runs):
    """Full builds into a memory-backed folder (tmpfs): namrong's own cost without the disk's."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        return {}
    base = Path(tempfile.mkdtemp(prefix="namrong-bench-", dir=shm))
    try:
        def once(threads):
            out = base / "out"
            r = build_once(site, out, threads)
            shutil.rmtree(out)
            return r

        log(f"{n} pilots: {runs} build(s) into tmpfs, all cores and one thread")
        full = [once(None) for _ in range(runs)]
        single = [once(1) for _ in range(runs)]
    finally:
        shutil.rmtree(base, ignore_errors=True)
    med = statistics.median(r["wall"] for r in full)
    one = statistics.median(r["wall"] for r in single)
    return {"mem_median": med, "mem_one": one, "mem_speedup": one / med,
            "mem_rss_mb": max(r["rss"] for r in full)}


def measure_photos(n, site, runs, args):
    """Photos: builds of the n-pilot corpus with the photo cache emptied (cold) and filled, and
    the CPU cost of one 12-megapixel JPEG from a one-pilot site with and without a photo."""
    cache = site / ".namrong-cache" / "images"
    photos = len(list((site / "content" / "pilots").glob("*/photo.jpg")))
    base = Path(tempfile.mkdtemp(prefix="namrong-photos-", dir=args.dir))
    try:
        def once(s, out, empty_cache):
            if empty_cache:
                shutil.rmtree(s / ".namrong-cache" / "images", ignore_errors=True)
            r = build_once(s, base / out, None)
            shutil.rmtree(base / out)
            return r

        log(f"photos: {runs} cold and {runs} cached build(s) of {n} pilots with {photos} photos")
        cold = [once(site, "cold", True) for _ in range(runs)]
        cached = [once(site, "cached", False) for _ in range(runs)]
        if any(r["processed"] != photos for r in cold) or any(r["processed"] for r in cached):
            raise BenchError(
                f"photo counts: cold {[r['processed'] for r in cold]}, cached {[r['processed'] for r in cached]}"
            )
        one = {}
        for name, every in (("with", "1"), ("without", "0")):
            s = base / f"one-{name}"
            argv = [str(GEN_SITE), "--pilots", "1", "--out", str(s), "--seed", str(args.seed), "--photos-every", every]
            r = subprocess.run(argv, capture_output=True, text=True)
            if r.returncode != 0:
                raise BenchError(f"gen_site failed:\n{r.stdout}{r.stderr}")
            one[name] = s
        log(f"photos: {runs} builds each of a one-pilot site, cold, cached and without the photo")
        one_cold = [once(one["with"], "one", True)["cpu"] for _ in range(runs)]
        one_cached = [once(one["with"], "one", False)["cpu"] for _ in range(runs)]
        one_none = [once(one["without"], "one", False)["cpu"] for _ in range(runs)]
    finally:
        shutil.rmtree(base, ignore_errors=True)
    med = statistics.median
    cold_s, cached_s = med(r["wall"] for r in cold), med(r["wall"] for r in cached)
    return {
        "n": n,
        "photos": photos,
        "cold": cold_s,
        "cached": cached_s,
        "cold_cpu": med(r["cpu"] for r in cold),
        "cached_cpu": med(r["cpu"] for r in cached),
        "per_s_cold": photos / max(cold_s - cached_s, 1e-9),
        "cpu_one": med(one_cold) - med(one_none),
        "cpu_one_cached": med(one_cached) - med(one_none),
        "cache_mb": sum(f.stat().st_size for f in cache.rglob("*") if f.is_file()) / 1e6,
    }


def photo_report(p):
    cached_ms = p["cpu_one_cached"] * 1000
    return [
        "",
        "### Photos",
        "",
        f"{p['n']} pilots with {p['photos']} phone photos (4032×3024 JPEG, one per 10 pilots), each published "
        "at 480, 960 and 1600 px as WebP and JPEG. Cold: the photo cache emptied before each build.",
        "",
        "| build | median s | CPU s | photos decoded |",
        "|---|---:|---:|---:|",
        f"| cold | {p['cold']:.2f} | {p['cold_cpu']:.2f} | {p['photos']} |",
        f"| cached | {p['cached']:.2f} | {p['cached_cpu']:.2f} | 0 |",
        "",
        "| figure | measured | target |",
        "|---|---:|---|",
        f"| photos per second, cold, all cores (photos / (cold − cached)) | {p['per_s_cold']:.1f} | - |",
        f"| CPU for one 12 MP JPEG into the full ladder | {p['cpu_one']:.3f} s "
        f"| under 0.5 s: {verdict(p['cpu_one'] < 0.5)} |",
        f"| CPU for one cached photo (one-pilot site, minus the same site without it) | {cached_ms:.0f} ms | near zero |",
        f"| cache size for {p['photos']} photos | {p['cache_mb']:.1f} MB | - |",
    ]


def machine():
    """CPU model, logical CPUs and memory, from /proc."""
    model, mem_gb = platform.processor() or platform.machine(), 0.0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} logical CPUs, {mem_gb:.1f} GiB memory, Linux {platform.release()}"


def revision():
    """The commit measured, marked when the working tree has changes."""
    def git(*argv):
        r = subprocess.run(["git", *argv], cwd=ROOT, capture_output=True, text=True)
        return r.stdout.strip() if r.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (" with uncommitted changes" if git("status", "--porcelain") else "")


def verdict(ok):
    return "met" if ok else "**missed**"


def report(rows, args):
    cores = os.cpu_count()
    lines = [
        "## namrong full-build benchmark",
        "",
        f"Machine: {machine()}. Revision: {args.revision}. "
        f"Runs per figure: {args.runs}; seed {args.seed}; sites in {args.dir}; settle {args.settle:.0f} s. "
        "Each build writes into a new output folder. Times are wall-clock seconds; "
        "CPU is user+system seconds (median); load is the 1-minute load average when the size started.",
        "",
        "| pilots | pages | median s | min s | max s | CPU s | pages/s | output MB | peak RSS MB "
        f"| 1 thread s | speed-up 1→{cores} | cp -r s | build / cp -r | load |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['n']} | {r['pages']} | {r['median']:.2f} | {r['min']:.2f} | {r['max']:.2f} | {r['cpu']:.2f} "
            f"| {r['pages_per_s']:.0f} | {r['out_mb']:.1f} | {r['rss_mb']:.0f} | {r['one_thread']:.2f} "
            f"| {r['speedup']:.2f}x | {r['cp']:.2f} | {r['cp_ratio']:.1f}x | {r['load']:.1f} |"
        )
    if any("mem_median" in r for r in rows):
        lines += [
            "",
            "### Into memory (tmpfs): the build without the disk",
            "",
            f"| pilots | median s | 1 thread s | speed-up 1→{cores} | peak RSS MB |",
            "|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {r['n']} | {r['mem_median']:.2f} | {r['mem_one']:.2f} | {r['mem_speedup']:.2f}x | {r['mem_rss_mb']:.0f} |"
            for r in rows
            if "mem_median" in r
        ]
    scaling = []
    by_n = {r["n"]: r for r in rows}
    for r in rows:
        big = by_n.get(r["n"] * 10)
        if big:
            scaling.append((r["n"], big["n"], big["median"] / r["median"]))
    lines += ["", "### Scaling", ""]
    if scaling:
        lines += ["| from | to | time ratio (10x pilots) |", "|---:|---:|---:|"]
        lines += [f"| {a} | {b} | {ratio:.2f}x |" for a, b, ratio in scaling]
    else:
        lines.append("Not measured: needs two sizes N and 10N.")

    lines += ["", "### Targets", ""]
    big = by_n.get(TARGET_PILOTS)
    if big:
        lines += [
            "| target | measured | result |",
            "|---|---:|---|",
            f"| {TARGET_PILOTS} pilots build under {TARGET_SECONDS:.0f} s | {big['median']:.2f} s "
            f"| {verdict(big['median'] < TARGET_SECONDS)} |",
            f"| {TARGET_PILOTS} pilots peak RSS under 1 GB | {big['rss_mb']:.0f} MB "
            f"| {verdict(big['rss_mb'] < TARGET_RSS_MB)} |",
            f"| build within {TARGET_CP_RATIO:.0f}x of cp -r | {big['cp_ratio']:.1f}x "
            f"| {verdict(big['cp_ratio'] <= TARGET_CP_RATIO)} |",
        ]
        for a, b, ratio in scaling:
            if b <= TARGET_PILOTS:
                lines.append(
                    f"| 10x pilots ({a}→{b}) at most {TARGET_SCALING:.0f}x time | {ratio:.2f}x "
                    f"| {verdict(ratio <= TARGET_SCALING)} |"
                )
        if cores == 2:
            lines.append(
                f"| 2 threads at least {TARGET_SPEEDUP_2}x faster than 1 | {big['speedup']:.2f}x "
                f"| {verdict(big['speedup'] >= TARGET_SPEEDUP_2)} |"
            )
        else:
            lines.append(f"| 2 threads at least {TARGET_SPEEDUP_2}x faster than 1 | not measured ({cores} CPUs) | - |")
    else:
        lines.append(f"Not checked: the targets are for {TARGET_PILOTS} pilots.")

    lines += [
        "",
        "### Incremental rebuilds",
        "",
        "incremental rebuilds: measured by `cargo run --release --example incremental -- --site DIR` (see BENCHMARKS.md).",
        "bench/run measures full builds only.",
        "",
    ]
    return "\n".join(lines)


def main():
    global NAMRONG, GEN_SITE
    args = parse_args()
    for exe in (NAMRONG, GEN_SITE):
        if not exe.exists():
            log(f"error: {exe} is missing; run bench/run, which builds it")
            return 2
    # Measure private copies, so that a rebuild of target/release during the run changes nothing,
    # and note the revision they were built from.
    args.revision = revision()
    private = args.dir / "bin"
    private.mkdir(parents=True, exist_ok=True)
    NAMRONG = Path(shutil.copy2(NAMRONG, private / NAMRONG.name))
    GEN_SITE = Path(shutil.copy2(GEN_SITE, private / GEN_SITE.name))
    rows = []
    photos = None
    disk = Disk(args.settle)
    try:
        for n in args.sizes:
            site = corpus(n, args, disk)
            rows.append(measure(n, site, args.runs, disk))
            r = rows[-1]
            log(f"{n} pilots: median {r['median']:.2f} s, {r['pages']} pages, peak RSS {r['rss_mb']:.0f} MB")
            if photos is None:
                photos = measure_photos(n, site, args.runs, args)
    except BenchError as e:
        log(f"error: {e}")
        return 1
    text = report(rows, args) + "\n".join(photo_report(photos)) + "\n"
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text)
    log(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
