#!/usr/bin/env python3
"""Summarizes the runs of bench/run: medians per stage, ratios assetpipe/peer from the same
rounds, output bytes of each tree, and the limit (encoder CPU time / cores).

Input: a runs folder written by bench/run, holding for each round i
  assetpipe-i.rusage   "<wall> <user> <sys> [<max rss KB>]" from /usr/bin/time -f '%e %U %S %M'
  peer-i.rss           "<max rss KB>" of the peer pipeline's largest process (optional)
  assetpipe-i.log      assetpipe's output, with its "timings: scan Xs, ..." line
  peer-i.times         bench/peer-pipeline --times: "<stage> <wall> <cpu> <encoder cpu>"
plus info.json (settings, machine, versions) and the two output trees of the last round.
Output: a plain-text report on stdout, results.json and report.md in the runs folder.
"""
import argparse
import json
import os
import re
import statistics
import sys

AP_STAGES = ["scan", "minify", "images", "link", "compress", "emit"]
PEER_STAGES = ["copy", "minify", "images", "hash", "compress"]
# Rows of the comparison: (label, assetpipe stages summed, peer stages summed).
ROWS = [
    ("minify", ["minify"], ["minify"]),
    ("images", ["images"], ["images"]),
    ("compress", ["compress"], ["compress"]),
    ("tree (read, name, write)", ["scan", "link", "emit"], ["copy", "hash"]),
]
WARNING_RE = re.compile(r"(^|: )warning: ")
TIMINGS_RE = re.compile(r"^timings: (.*?), total ([0-9.]+)s\s*$", re.M)

JS_CSS = (".js", ".mjs", ".cjs", ".css")
IMAGES = (".jpg", ".jpeg", ".png")


def fail(message):
    print(f"summarize: {message}", file=sys.stderr)
    sys.exit(1)


def read_assetpipe_round(runs, i):
    with open(os.path.join(runs, f"assetpipe-{i}.rusage")) as f:
        # /usr/bin/time may print "Command exited with non-zero status" first: take the last line.
        fields = [float(x) for x in f.read().strip().splitlines()[-1].split()]
    wall, user, system = fields[:3]
    rss_kb = fields[3] if len(fields) > 3 else None
    with open(os.path.join(runs, f"assetpipe-{i}.log")) as f:
        log = f.read()
    m = TIMINGS_RE.search(log)
    if not m:
        fail(f"no 'timings:' line in {runs}/assetpipe-{i}.log; is the binary too old for --timings?")
    stages = {}
    for part in m.group(1).split(","):
        name, value = part.split()
        stages[name] = float(value.rstrip("s"))
    stages["internal total"] = float(m.group(2))
    warnings = [l for l in log.splitlines() if WARNING_RE.search(l)]
    return {"wall": wall, "cpu": user + system, "rss_kb": rss_kb, "stages": stages,
            "warnings": warnings}


def read_peer_round(runs, i):
    stages, cpu, encoder, tools = {}, {}, {}, {}
    with open(os.path.join(runs, f"peer-{i}.times")) as f:
        for line in f:
            if line.startswith("tool "):
                _, name, c = line.split()
                tools[name] = float(c)
                continue
            name, wall, c, e = line.split()
            stages[name], cpu[name], encoder[name] = float(wall), float(c), float(e)
    total = stages.pop("total")
    rss_kb = None
    rss_path = os.path.join(runs, f"peer-{i}.rss")
    if os.path.exists(rss_path):
        with open(rss_path) as f:
            rss_kb = float(f.read().strip().splitlines()[-1])
    return {"wall": total, "rss_kb": rss_kb, "cpu": cpu.pop("total"), "encoder_cpu": encoder.pop("total"),
            "stages": stages, "stage_encoder_cpu": encoder, "tool_cpu": tools}


LINKED = "and hard links to them (originals)"


def tree_bytes(root):
    """Bytes and file counts of an output tree, by category. A file that is a hard link
    to one already counted (assetpipe's originals: a renamed file kept under its input
    name) is counted once, in its own row: it takes no more disk, and the peer writes none."""
    cats = {}
    seen = set()

    def add(cat, size):
        c = cats.setdefault(cat, {"files": 0, "bytes": 0})
        c["files"] += 1
        c["bytes"] += size

    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel_dir = os.path.relpath(dirpath, root)
        for name in sorted(filenames):  # which of two links counts first: the same every run
            st = os.stat(os.path.join(dirpath, name))
            size = st.st_size
            lower = name.lower()
            if (st.st_dev, st.st_ino) in seen:
                add(LINKED, size)
                continue
            seen.add((st.st_dev, st.st_ino))
            if rel_dir.split(os.sep)[0] == ".assetpipe":
                cat = "manifest, nginx"
            elif lower.endswith(".br"):
                cat = ".br"
            elif lower.endswith(".gz"):
                cat = ".gz"
            elif lower.endswith(".webp"):
                cat = "webp variants"
            elif lower.endswith(".avif"):
                cat = "avif variants"
            elif lower.endswith(".map"):
                cat = "source maps"
            elif lower.endswith(JS_CSS):
                cat = "js, css"
            elif lower.endswith(IMAGES):
                cat = "jpeg, png"
            else:
                cat = "other"
            add(cat, size)
            add("total", size)
    return cats


def median(values):
    return statistics.median(values) if values else float("nan")


def fmt_s(x):
    return "-" if x != x else f"{x:.2f}s"


def fmt_ratio(x):
    return "-" if x != x or x == float("inf") else f"{x:.2f}"


def mib(n):
    return f"{n / 1048576:.2f} MiB"


def summarize(runs, rounds, info):
    ap = [read_assetpipe_round(runs, i) for i in range(1, rounds + 1)]
    peer = [read_peer_round(runs, i) for i in range(1, rounds + 1)]
    cores = info["jobs"]
    ap_bytes = tree_bytes(os.path.join(runs, "assetpipe-out"))
    peer_bytes = tree_bytes(os.path.join(runs, "peer-out"))
    in_bytes = tree_bytes(info["corpus"])

    def has(tree, cat):
        return tree.get(cat, {}).get("files", 0) > 0

    # A stage assetpipe did not do (an older binary, or a flag) is not compared.
    ap_did = {
        "minify": any(r["stages"].get("minify", 0) > 0 for r in ap),
        "images": has(ap_bytes, "webp variants") or has(ap_bytes, "avif variants"),
        "compress": has(ap_bytes, ".br") or has(ap_bytes, ".gz"),
        "tree (read, name, write)": True,
    }

    # A stage the settings turned off (--no-images...) is missing from the peer's times.
    peer_did = {label: all(any(s in r["stages"] for s in peer_stages) for r in peer)
                for label, _, peer_stages in ROWS}

    rows = []
    for label, ap_stages, peer_stages in ROWS:
        a = [sum(r["stages"].get(s, 0.0) for s in ap_stages) for r in ap]
        p = [sum(r["stages"].get(s, 0.0) for s in peer_stages) for r in peer]
        ratios = [x / y if y > 0 else float("nan") for x, y in zip(a, p)]
        rows.append({"stage": label, "assetpipe_s": median(a), "peer_s": median(p),
                     "ratio": median(ratios) if ap_did[label] and peer_did[label] else float("nan"),
                     "assetpipe_did_it": ap_did[label] or not peer_did[label],
                     "skipped_by_settings": not peer_did[label],
                     "assetpipe_stages": ap_stages, "peer_stages": peer_stages})
    a_tot = [r["wall"] for r in ap]
    p_tot = [r["wall"] for r in peer]
    total_ratios = [x / y for x, y in zip(a_tot, p_tot)]
    encoder = [r["encoder_cpu"] for r in peer]
    limits = [e / cores for e in encoder]
    ap_over_limit = [x / l if l > 0 else float("nan") for x, l in zip(a_tot, limits)]
    peer_over_limit = [x / l if l > 0 else float("nan") for x, l in zip(p_tot, limits)]
    result = {
        "info": info,
        "rounds": rounds,
        "rows": rows,
        "total": {"assetpipe_s": median(a_tot), "peer_s": median(p_tot),
                  "ratio": median(total_ratios), "ratios": total_ratios},
        "assetpipe_cpu_s": median([r["cpu"] for r in ap]),
        "peer_cpu_s": median([r["cpu"] for r in peer]),
        "assetpipe_rss_mb": median_or_none([r["rss_kb"] for r in ap]),
        "peer_rss_mb": median_or_none([r["rss_kb"] for r in peer]),
        "peer_encoder_cpu_s": median(encoder),
        "peer_encoder_cpu_by_stage_s": {s: median([r["stage_encoder_cpu"].get(s, 0.0) for r in peer])
                                        for s in PEER_STAGES},
        "peer_tool_cpu_s": {t: median([r["tool_cpu"].get(t, 0.0) for r in peer])
                            for t in sorted({t for r in peer for t in r["tool_cpu"]})},
        "limit_s": median(limits),
        "assetpipe_over_limit": median(ap_over_limit),
        "peer_over_limit": median(peer_over_limit),
        "assetpipe_stage_medians_s": {s: median([r["stages"].get(s, 0.0) for r in ap])
                                      for s in AP_STAGES + ["internal total"]},
        "peer_stage_medians_s": {s: median([r["stages"].get(s, 0.0) for r in peer])
                                 for s in PEER_STAGES},
        "bytes": {"input": in_bytes, "assetpipe": ap_bytes, "peer": peer_bytes},
        "raw": {"assetpipe": ap, "peer": peer},
    }
    missing = [row["stage"] for row in rows if not row["assetpipe_did_it"]]
    result["assetpipe_missing_stages"] = missing
    result["targets"] = {
        "judged": not missing,
        "ratio_below_0.8": result["total"]["ratio"] < 0.8,
        "within_1.15x_of_limit": result["assetpipe_over_limit"] <= 1.15,
    }
    return result


def median_or_none(values_kb):
    """Median in MiB of the values that were measured, or None."""
    known = [v / 1024 for v in values_kb if v is not None]
    return median(known) if known else None


def render(r):
    info = r["info"]
    out = []
    out.append(f"assetpipe bench: {info['corpus_name']} corpus, {r['rounds']} rounds alternating, "
               f"-j {info['jobs']}, {info['date']}")
    out.append(f"machine: {info['cpu']}, {info['cores']} cores; load average before "
               f"{info['load_before']}, after {info['load_after']}")
    out.append(f"settings: {' '.join(info['settings'])}")
    if info.get("settle"):
        out.append(f"each run into a fresh output: the previous one removed untimed, then "
                   f"{info['settle']} s of rest (--settle)")
    out.append("")
    out.append("| stage | assetpipe | peer | assetpipe/peer |")
    out.append("|---|---:|---:|---:|")
    for row in r["rows"]:
        ratio = ("skipped (settings)" if row["skipped_by_settings"]
                 else fmt_ratio(row["ratio"]) if row["assetpipe_did_it"] else "not in this binary")
        out.append(f"| {row['stage']} | {fmt_s(row['assetpipe_s'])} | {fmt_s(row['peer_s'])} | {ratio} |")
    t = r["total"]
    out.append(f"| **total (wall)** | **{fmt_s(t['assetpipe_s'])}** | **{fmt_s(t['peer_s'])}** | "
               f"**{fmt_ratio(t['ratio'])}** |")
    out.append("")
    enc = r["peer_encoder_cpu_by_stage_s"]
    out.append(f"limit: encoders' CPU {r['peer_encoder_cpu_s']:.2f}s (minify {enc['minify']:.2f}s, "
               f"images {enc['images']:.2f}s, compress {enc['compress']:.2f}s) / {info['jobs']} cores "
               f"= {r['limit_s']:.2f}s; assetpipe wall / limit = {fmt_ratio(r['assetpipe_over_limit'])}, "
               f"peer wall / limit = {fmt_ratio(r['peer_over_limit'])}")
    out.append("peer CPU by tool: " + ", ".join(f"{t} {c:.2f}s" for t, c in r["peer_tool_cpu_s"].items()))
    out.append(f"CPU time (user+sys): assetpipe {r['assetpipe_cpu_s']:.2f}s, peer {r['peer_cpu_s']:.2f}s; "
               f"assetpipe CPU / {info['jobs']} cores = {r['assetpipe_cpu_s'] / info['jobs']:.2f}s "
               f"(its own floor: {r['assetpipe_cpu_s'] / info['jobs'] / r['limit_s']:.2f}x the limit)"
               if r["limit_s"] > 0 else
               f"CPU time (user+sys): assetpipe {r['assetpipe_cpu_s']:.2f}s, peer {r['peer_cpu_s']:.2f}s")
    if r.get("assetpipe_rss_mb") is not None:
        peer_rss = r.get("peer_rss_mb")
        out.append(f"peak RSS (largest process, median): assetpipe {r['assetpipe_rss_mb']:.0f} MiB, peer "
                   + (f"{peer_rss:.0f} MiB" if peer_rss is not None else "not measured"))
    st = r["assetpipe_stage_medians_s"]
    out.append("assetpipe --timings (medians): " + ", ".join(f"{s} {st[s]:.2f}s" for s in AP_STAGES)
               + f", total {st['internal total']:.2f}s")
    warnings = r["raw"]["assetpipe"][-1]["warnings"]
    if warnings:
        out.append(f"assetpipe warned {len(warnings)} times in the last round (see its log), first: "
                   f"{warnings[0]}")
    if r["assetpipe_missing_stages"]:
        out.append("targets: not judged: this assetpipe binary did not do "
                   + ", ".join(r["assetpipe_missing_stages"]) + " (the totals compare unequal work)")
    else:
        out.append(f"targets: ratio < 0.8: {'met' if r['targets']['ratio_below_0.8'] else 'not met'}; "
                   f"wall <= 1.15 x limit: {'met' if r['targets']['within_1.15x_of_limit'] else 'not met'}")
    out.append("")
    b = r["bytes"]
    cats = ["js, css", "source maps", "jpeg, png", "webp variants", "avif variants", ".br", ".gz",
            "other", "manifest, nginx", "total", LINKED]
    out.append("| bytes | input | assetpipe | peer |")
    out.append("|---|---:|---:|---:|")
    for c in cats:
        cells = []
        for tree in (b["input"], b["assetpipe"], b["peer"]):
            v = tree.get(c)
            cells.append(f"{mib(v['bytes'])} ({v['files']})" if v else "-")
        out.append(f"| {c} | {' | '.join(cells)} |")
    out.append("(files in parentheses)")
    return "\n".join(out)


def json_safe(value):
    """NaN (no ratio: a stage not done, a zero time) becomes null: JSON has no NaN."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return value


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", help="the runs folder bench/run wrote")
    args = ap.parse_args()
    with open(os.path.join(args.runs, "info.json")) as f:
        info = json.load(f)
    result = summarize(args.runs, info["rounds"], info)
    text = render(result)
    with open(os.path.join(args.runs, "results.json"), "w") as f:
        json.dump(json_safe(result), f, indent=2, sort_keys=True, allow_nan=False)
    with open(os.path.join(args.runs, "report.md"), "w") as f:
        f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
