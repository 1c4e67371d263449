"""Benchmark the letter renderer (run by hand, not a test).

    .venv/bin/python bench/bench_letters.py            # 10,000 summons letters on all cores
    .venv/bin/python bench/bench_letters.py --n 2000 --html-n 100

1. One process, sequentially: letters/s for one core, split into QR code and typst time.
2. A process pool over all cores (one typst Compiler per worker): letters/s in total and per
   core, and the slowest single letter.
3. The same letter through a straightforward HTML-to-PDF path (WeasyPrint, if installed: it is
   not a project dependency; `pip install weasyprint` into the venv) on a smaller sample.

Every letter has different data (``varied_letter(seed)``: 1–5 invoices, different names,
amounts, dates, VAT or not). Data is built in the parent and sent to the workers as frozen
dataclasses, as the real batch job will do.
"""

from __future__ import annotations

import argparse
import html
import json
import multiprocessing
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from incasso.letters.rendering import LetterData, render_letter_pdf
from incasso.letters.rendering.renderer import FONTS, letter_context
from incasso.letters.rendering.samples import varied_letter


def _warm() -> None:
    render_letter_pdf(varied_letter(0))


def _render_chunk(letters: list[LetterData]) -> tuple[int, float, float, str, int, float]:
    """Render a chunk; return count, busy seconds, slowest letter, its reference, bytes, CPU seconds."""
    busy, slowest, slowest_ref, size = 0.0, 0.0, "", 0
    cpu0 = time.process_time()
    for letter in letters:
        t0 = time.perf_counter()
        pdf = render_letter_pdf(letter)
        dt = time.perf_counter() - t0
        busy += dt
        size += len(pdf)
        if dt > slowest:
            slowest, slowest_ref = dt, letter.our_reference
    return len(letters), busy, slowest, slowest_ref, size, time.process_time() - cpu0


def bench_single(letters: list[LetterData]) -> dict[str, float]:
    """One process: wall time per letter, CPU time over the run, and the Python side alone."""
    _warm()
    times = []
    cpu0 = time.process_time()
    for letter in letters:
        t0 = time.perf_counter()
        render_letter_pdf(letter)
        times.append(time.perf_counter() - t0)
    cpu = time.process_time() - cpu0
    cpu0 = time.process_time()
    for letter in letters:
        json.dumps(letter_context(letter), ensure_ascii=False, separators=(",", ":"))  # formatting + QR
    context_cpu = time.process_time() - cpu0  # the QR SVG is cached by now: this is a lower bound
    return {
        "rate": len(letters) / sum(times),
        "cpu_rate": len(letters) / cpu,
        "cpu_ms": 1000 * cpu / len(letters),
        "mean_ms": 1000 * statistics.mean(times),
        "median_ms": 1000 * statistics.median(times),
        "p99_ms": 1000 * sorted(times)[int(len(times) * 0.99) - 1],
        "max_ms": 1000 * max(times),
        "context_ms": 1000 * context_cpu / len(letters),
    }


def bench_pool(letters: list[LetterData], workers: int, chunk: int) -> dict[str, float | str]:
    chunks = [letters[i : i + chunk] for i in range(0, len(letters), chunk)]
    # forkserver, not fork: this process already ran typst, whose Rust thread pool does not survive fork().
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, initializer=_warm, mp_context=context) as pool:
        list(pool.map(_warm_task, range(workers)))  # start the workers before the clock runs
        t0 = time.perf_counter()
        results = list(pool.map(_render_chunk, chunks))
        wall = time.perf_counter() - t0
    count = sum(r[0] for r in results)
    busy = sum(r[1] for r in results)
    slowest = max(results, key=lambda r: r[2])
    return {
        "count": count,
        "wall_s": wall,
        "total_rate": count / wall,
        "per_core_rate": count / wall / workers,
        "per_worker_busy_rate": count / busy,
        "per_cpu_second": count / sum(r[5] for r in results),
        "slowest_ms": 1000 * slowest[2],
        "slowest_ref": slowest[3],
        "mean_kb": sum(r[4] for r in results) / count / 1024,
    }


def _warm_task(_: int) -> None:
    time.sleep(0.05)


# ---------------------------------------------------------------- HTML-to-PDF comparison

_CSS = """
@page { size: A4; margin: 15mm 20mm 27mm 25mm;
  @bottom-left { content: element(footer); }
  @bottom-right { content: "Pagina " counter(page) " van " counter(pages); font-size: 7.5pt; color: #5c5c5c; } }
body { font-family: 'Liberation Sans'; font-size: 10pt; color: #1a1a1a; }
.head { position: relative; height: 73mm; }
.name { font-size: 17pt; font-weight: bold; color: #1f3a5f; }
.contact { position: absolute; left: 100mm; top: 1mm; font-size: 8pt; color: #5c5c5c; }
.ret { position: absolute; top: 37mm; font-size: 6.5pt; color: #5c5c5c; }
.addr { position: absolute; top: 41.5mm; width: 85mm; }
.refs { position: absolute; left: 100mm; top: 37mm; font-size: 8.5pt; }
table.claims { width: 100%; border-collapse: collapse; font-size: 8.5pt; }
table.claims th { text-align: left; border-bottom: 0.6pt solid #1a1a1a; }
table.claims td { border-bottom: 0.3pt solid #c8c8c8; padding: 1.3mm 1.6mm; }
td.n, th.n { text-align: right; }
.pay { background: #f3f5f8; border: 0.5pt solid #c8c8c8; border-radius: 1.5mm; padding: 4mm 5mm;
  page-break-inside: avoid; display: flex; }
.pay svg { width: 30mm; height: 30mm; }
.footer { position: running(footer); font-size: 7.5pt; color: #5c5c5c; }
"""


def letter_html(letter: LetterData) -> str:
    c = letter_context(letter)
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(r['invoice'])}</td><td>{e(r['description'])}</td><td>{r['date']}</td>"
        f"<td class=n>{r['principal']}</td><td class=n>{r['interest']}</td><td class=n>{r['costs']}</td>"
        f"<td class=n>{r['total']}</td></tr>"
        for r in c["claims"]
    )
    lab = c["labels"]
    t = c["totals"]
    pay = "".join(f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in c["payment"]["rows"])
    return f"""<!doctype html><html lang="{c["language"]}"><head><meta charset="utf-8"><style>{_CSS}</style></head>
<body><div class=footer>{e(c["agency"]["name"])} · KvK {c["agency"]["kvk"]} · {lab["wki"]}
 {c["agency"]["wki_registration"]}<br>{e(c["agency"]["complaint_line"])}</div>
<div class=head><div class=name>{e(c["agency"]["name"])}</div><div>{e(c["agency"]["client_line"])}</div>
<div class=contact>{"<br>".join(map(e, c["agency"]["address_lines"]))}</div>
<div class=ret>{e(c["agency"]["return_address"])}</div>
<div class=addr>{"<br>".join(map(e, c["addressee"]))}</div>
<div class=refs>{"<br>".join(f"{e(k)}: {e(v)}" for k, v in c["refs"])}</div></div>
<p><b>{e(c["subject"])}</b></p><p>{e(c["salutation"])}</p>
{"".join(f"<p>{e(p)}</p>" for p in c["paragraphs"])}
<table class=claims><thead><tr><th>{lab["invoice"]}</th><th>{lab["description"]}</th><th>{lab["invoice_date"]}</th>
<th class=n>{lab["principal"]}</th><th class=n>{lab["interest"]}</th><th class=n>{lab["costs"]}</th>
<th class=n>{lab["total"]}</th></tr></thead><tbody>{rows}
<tr><td colspan=3><b>{lab["total_due"]}</b></td><td class=n>{t["principal"]}</td><td class=n>{t["interest"]}</td>
<td class=n>{t["costs"]}</td><td class=n><b>{t["total"]}</b></td></tr></tbody></table>
<div class=pay><table>{pay}</table>{c["payment"]["qr_svg"] or ""}</div>
{"".join(f"<p>{e(p)}</p>" for p in c["paragraphs_after"])}
<p>{e(c["closing"])}</p><br><p>{e(c["signer_name"])}<br>{e(c["agency"]["name"])}</p></body></html>"""


def bench_html(letters: list[LetterData]) -> dict[str, float] | None:
    try:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration
    except ImportError:
        return None
    fonts = FontConfiguration()
    font_css = weasyprint.CSS(
        string="".join(
            f"@font-face {{ font-family: 'Liberation Sans'; src: url('{p.as_uri()}'); font-weight: {w}; }}"
            for p, w in (
                (FONTS / "LiberationSans-Regular.ttf", 400),
                (FONTS / "LiberationSans-Bold.ttf", 700),
            )
        ),
        font_config=fonts,
    )
    weasyprint.HTML(string=letter_html(letters[0])).write_pdf(stylesheets=[font_css], font_config=fonts)
    times, sizes = [], []
    cpu0 = time.process_time()
    for letter in letters:
        t0 = time.perf_counter()
        pdf = weasyprint.HTML(string=letter_html(letter)).write_pdf(stylesheets=[font_css], font_config=fonts)
        times.append(time.perf_counter() - t0)
        sizes.append(len(pdf))
    cpu = time.process_time() - cpu0
    Path("/tmp/bench-letter-weasyprint.pdf").write_bytes(pdf)
    return {
        "rate": len(letters) / sum(times),
        "cpu_rate": len(letters) / cpu,
        "max_ms": 1000 * max(times),
        "mean_kb": statistics.mean(sizes) / 1024,
        "version": weasyprint.__version__,  # type: ignore[dict-item]
    }


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=10_000, help="letters for the process-pool run")
    parser.add_argument("--single-n", type=int, default=1_000, help="letters for the one-process run")
    parser.add_argument("--html-n", type=int, default=200, help="letters for the HTML-to-PDF comparison")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--chunk", type=int, default=50)
    args = parser.parse_args()

    print(f"load average at the start: {_loadavg()}", flush=True)
    print(f"building {args.n} letters ...", flush=True)
    letters = [varied_letter(seed) for seed in range(1, args.n + 1)]

    single = bench_single(letters[: args.single_n])
    print(
        f"one process, {args.single_n} letters: {single['rate']:.1f} letters/s wall, "
        f"{single['cpu_rate']:.1f} per CPU-second ({single['cpu_ms']:.2f} ms CPU a letter) "
        f"(wall: mean {single['mean_ms']:.2f} ms, median {single['median_ms']:.2f} ms, p99 {single['p99_ms']:.2f} ms, "
        f"max {single['max_ms']:.1f} ms; of the CPU, data→JSON ≥ {single['context_ms']:.2f} ms); "
        f"load {_loadavg()}",
        flush=True,
    )

    pool = bench_pool(letters, args.workers, args.chunk)
    print(
        f"pool of {args.workers}, {pool['count']} letters in {pool['wall_s']:.1f} s: "
        f"{pool['total_rate']:.1f} letters/s total, {pool['per_core_rate']:.1f} per core "
        f"(per worker busy time {pool['per_worker_busy_rate']:.1f}, per CPU-second "
        f"{pool['per_cpu_second']:.1f}); slowest letter "
        f"{pool['slowest_ms']:.1f} ms ({pool['slowest_ref']}); mean PDF {pool['mean_kb']:.1f} KB; load {_loadavg()}",
        flush=True,
    )

    html_result = bench_html(letters[: args.html_n])
    if html_result is None:
        print("WeasyPrint not installed: HTML-to-PDF comparison skipped (pip install weasyprint)")
    else:
        print(
            f"WeasyPrint {html_result['version']}, one process, {args.html_n} letters: "
            f"{html_result['rate']:.1f} letters/s wall, {html_result['cpu_rate']:.1f} per CPU-second "
            f"(max {html_result['max_ms']:.0f} ms, mean PDF {html_result['mean_kb']:.1f} KB); typst is "
            f"{single['rate'] / html_result['rate']:.1f}× faster (wall), "
            f"{single['cpu_rate'] / html_result['cpu_rate']:.1f}× (CPU); load {_loadavg()}"
        )


if __name__ == "__main__":
    main()
