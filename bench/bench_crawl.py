"""Crawl + extract + store throughput against the bare costs, measured in one run.

    .venv/bin/python bench/bench_crawl.py [--pages 2000] [--polite-pages 200] [--workers 1]

Serves the recorded pages of tests/fixtures/news_html, replicated under
distinct URLs (each copy's bytes differ by an HTML comment, so every snapshot
is a new file; the text is the same, so the duplicate stage marks copies), from
a separate server process on 127.0.0.1, and measures, each in its own process:

  (a) fetch     a minimal Scrapy spider that fetches and discards;
  (b) extract   bare ``trafilatura.extract`` in a loop over the same pages, the
                same ``with_metadata=True``, and our stage 200's ``extract_html``
                (fast run first, our metadata) on a quarter of them;
  (c) pipeline  civwatch's full chain in one process (project settings and
                middlewares, our six pipelines, SQLite), AutoThrottle off;
  (d) pool      the same with extraction in a process pool (CIVWATCH_EXTRACT_WORKERS);
  (e) polite    the full chain with the default polite settings (AutoThrottle on).

Reports pages/s and peak RSS, and the ratios of (c) and (d) to the bare
sequential cost 1 / (1/fetch + 1/extract). Not a test: figures vary ±15–20 %
between runs on a shared machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
NEWS_HTML = REPO / "tests" / "fixtures" / "news_html"
sys.path.insert(0, str(REPO))


def distinct_pages() -> list[bytes]:
    manifest = json.loads((NEWS_HTML / "manifest.json").read_text(encoding="utf-8"))
    return [gzip.decompress((NEWS_HTML / p["file"]).read_bytes()) for p in manifest["pages"]]


def page(pages: list[bytes], i: int) -> bytes:
    return f"<!-- bench copy {i} -->\n".encode() + pages[i % len(pages)]


class CpuSampler(threading.Thread):
    """CPU seconds of this process and every descendant (pool workers included).

    Sampled from /proc because pool workers are grandchildren (forkserver) and
    are not waited for by us, so ``RUSAGE_CHILDREN`` never sees them.
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.tick = os.sysconf("SC_CLK_TCK")
        self.seen: dict[int, float] = {}
        self.stopping = threading.Event()

    @staticmethod
    def _stat(pid: int) -> list[str] | None:
        try:
            raw = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        return raw[raw.rindex(")") + 2 :].split()

    def sample(self) -> None:
        parents: dict[int, int] = {}
        cpu: dict[int, float] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit() and (fields := self._stat(int(entry))) is not None:
                parents[int(entry)] = int(fields[1])
                cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / self.tick
        family = {os.getpid()}
        grew = True
        while grew:
            grew = False
            for pid, parent in parents.items():
                if parent in family and pid not in family:
                    family.add(pid)
                    grew = True
        for pid in family:
            if pid in cpu:
                self.seen[pid] = max(self.seen.get(pid, 0.0), cpu[pid])

    def run(self) -> None:
        while not self.stopping.wait(0.25):
            self.sample()

    def stop(self) -> tuple[float, float]:
        """(this process, descendants) CPU seconds."""
        self.stopping.set()
        self.sample()
        own = self.seen.pop(os.getpid(), 0.0)
        return own, sum(self.seen.values())


def peak_rss_mb() -> tuple[float, float]:
    """(this process, largest child) peak resident memory in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


# --- the page server (its own process) ------------------------------------------


def serve(port_file: Path) -> None:
    pages = distinct_pages()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                body, ctype = b"User-agent: *\nAllow: /\n", "text/plain"
            elif self.path.startswith("/p/"):
                body, ctype = page(pages, int(self.path.split("/")[2])), "text/html; charset=utf-8"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_file.write_text(str(server.server_address[1]))
    server.serve_forever()


# --- the measured runs (each in its own process) ----------------------------------


def run_scrapy(
    mode: str, base: str, n: int, data_dir: Path, workers: int, extra: dict[str, str]
) -> dict[str, Any]:
    from scrapy import Request, Spider
    from scrapy.crawler import CrawlerProcess
    from scrapy.http import Response
    from scrapy.settings import Settings as ScrapySettings

    from settings import Settings
    from spiders.items import PageItem
    from storage import Database
    from storage.models import Source

    civwatch = Settings.from_env({}, data_dir=data_dir)
    scrapy_settings = ScrapySettings()
    scrapy_settings.setmodule("settings", priority="project")
    overrides: dict[str, Any] = {
        "CIVWATCH_SETTINGS": civwatch,
        "LOG_LEVEL": "WARNING",
        "HTTPCACHE_ENABLED": False,
    }
    if mode != "polite":
        overrides.update(
            {
                "AUTOTHROTTLE_ENABLED": False,
                "DOWNLOAD_DELAY": 0,
                "CONCURRENT_REQUESTS": 16,
                "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
            }
        )
    if mode == "fetch":
        # The bare cost: Scrapy's defaults for everything, nothing of ours.
        scrapy_settings = ScrapySettings()
        overrides.update({"ITEM_PIPELINES": {}, "ROBOTSTXT_OBEY": True})
    else:
        pooled = mode in ("pool", "pool-hinted")
        overrides["CIVWATCH_EXTRACT_WORKERS"] = workers if pooled else 0
        db = Database.open(civwatch.db_url)
        with db.sessions.begin() as session:
            session.add(Source(key="bench", name="Bench", kind="listing", url=base + "/"))
        db.close()
        overrides["CIVWATCH_MIGRATE"] = False
    overrides.update(extra)
    scrapy_settings.setdict(overrides, priority="cmdline")
    stored = {"items": 0}
    hinted = mode.endswith("-hinted")

    class BenchSpider(Spider):
        name = "bench"
        allowed_domains = ["127.0.0.1"]

        async def start(self) -> Any:
            for i in range(n):
                url = f"{base}/p/{i}"
                meta = {"civwatch_role": "page", "civwatch_discovered": url}
                yield Request(url, callback=self.parse, meta=meta)

        def parse(self, response: Response) -> Any:
            if mode == "fetch":
                return
            headers = {
                k.decode().lower(): b", ".join(v).decode("latin-1")
                for k, v in response.headers.items()
            }
            yield PageItem(
                source_key="bench",
                url=response.url,
                discovered_url=response.meta["civwatch_discovered"],
                http_status=response.status,
                body=response.body,
                fetched_at=dt.datetime.now(dt.UTC),
                headers=headers,
                encoding=getattr(response, "encoding", None),
                source_lang="auto",
                source_countries=("ML", "BF", "NE"),
                # As a feed or sitemap gives them: the extraction then skips
                # trafilatura's metadata pass.
                hint_title=f"Feed title {response.url}" if hinted else None,
                hint_published=dt.datetime(2024, 6, 1, tzinfo=dt.UTC) if hinted else None,
            )

    def scraped(**_: Any) -> None:
        stored["items"] += 1

    process = CrawlerProcess(scrapy_settings)
    crawler = process.create_crawler(BenchSpider)
    from scrapy import signals

    crawler.signals.connect(scraped, signal=signals.item_scraped)
    process.crawl(crawler)
    sampler = CpuSampler()
    sampler.start()
    cpu_before = time.process_time()
    started = time.perf_counter()
    process.start()
    elapsed = time.perf_counter() - started
    cpu_main = time.process_time() - cpu_before
    _, cpu_workers = sampler.stop()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    own, children = peak_rss_mb()
    return {
        "mode": mode,
        "pages": n,
        "seconds": round(elapsed, 2),
        "pages_per_s": round(n / elapsed, 1),
        "responses": stats.get("downloader/response_status_count/200", 0),
        "items_stored": stored["items"],
        "dropped": {
            k.split("/", 2)[-1]: v for k, v in stats.items() if k.startswith("item_dropped_reasons")
        },
        "peak_rss_mb": round(own),
        "peak_rss_workers_mb": round(children) if mode.startswith("pool") else None,
        "cpu_ms_per_page": round(1000 * (cpu_main + cpu_workers) / n, 1),
        "cpu_main_ms_per_page": round(1000 * cpu_main / n, 1),
        "cpu_workers_ms_per_page": round(1000 * cpu_workers / n, 1),
        "load_average": round(os.getloadavg()[0], 1),
    }


def run_extract(n: int) -> dict[str, Any]:
    import trafilatura

    from pipelines.extraction import build_options, extract_html

    pages = distinct_pages()
    # Pages are built as the loop goes (as a crawl would receive them), so peak
    # memory is the extractor's, not a list of 2,000 pages held at once.
    started, cpu = time.perf_counter(), time.process_time()
    for i in range(n):
        trafilatura.extract(page(pages, i).decode("utf-8"))
    plain, plain_cpu = time.perf_counter() - started, time.process_time() - cpu
    sample = max(len(pages), n // 4)
    started, cpu = time.perf_counter(), time.process_time()
    for i in range(sample):
        trafilatura.extract(page(pages, i).decode("utf-8"), with_metadata=True)
    with_meta, meta_cpu = time.perf_counter() - started, time.process_time() - cpu
    options = build_options()
    started, cpu = time.perf_counter(), time.process_time()
    for i in range(sample):
        extract_html(page(pages, i).decode("utf-8"), f"http://bench/p/{i}", options)
    ours, ours_cpu = time.perf_counter() - started, time.process_time() - cpu
    own, _ = peak_rss_mb()
    return {
        "mode": "extract",
        "pages": n,
        "pages_per_s": round(n / plain, 1),
        "with_metadata_pages": sample,
        "with_metadata_pages_per_s": round(sample / with_meta, 1),
        "cpu_ms_per_page": round(1000 * plain_cpu / n, 1),
        "with_metadata_cpu_ms_per_page": round(1000 * meta_cpu / sample, 1),
        "ours_pages_per_s": round(sample / ours, 1),
        "ours_cpu_ms_per_page": round(1000 * ours_cpu / sample, 1),
        "peak_rss_mb": round(own),
        "load_average": round(os.getloadavg()[0], 1),
    }


def child(args: argparse.Namespace) -> None:
    if args.mode == "extract":
        result = run_extract(args.pages)
    else:
        extra = dict(item.split("=", 1) for item in args.set)
        result = run_scrapy(
            args.mode, args.base, args.pages, Path(args.data_dir), args.workers, extra
        )
    print("RESULT " + json.dumps(result), flush=True)


def measure(
    mode: str, base: str, pages: int, workers: int, tmp: Path, extra: list[str]
) -> dict[str, Any]:
    data_dir = tmp / mode
    cmd = [
        sys.executable,
        __file__,
        "--child",
        mode,
        "--base",
        base,
        "--pages",
        str(pages),
        "--workers",
        str(workers),
        "--data-dir",
        str(data_dir),
    ]
    for item in extra:
        cmd += ["--set", item]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVWATCH_")}
    env["PYTHONPATH"] = str(REPO)
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, env=env, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{mode} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(lines[-1][len("RESULT ") :])
    print(json.dumps(result), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--polite-pages", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1, help="extraction processes for (d)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="Scrapy setting for the crawl runs (e.g. CONCURRENT_ITEMS=8)",
    )
    parser.add_argument("--only", help="comma-separated modes to run (default: all)")
    parser.add_argument("--child", dest="mode", help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve))
        return
    if args.mode:
        child(args)
        return
    with tempfile.TemporaryDirectory(prefix="civwatch-bench-") as tmp_name:
        tmp = Path(tmp_name)
        port_file = tmp / "port"
        server = subprocess.Popen([sys.executable, __file__, "--serve", str(port_file)], cwd=REPO)
        try:
            deadline = time.monotonic() + 30
            while not port_file.exists() or not port_file.read_text():
                if time.monotonic() > deadline:
                    raise SystemExit("page server did not start")
                time.sleep(0.1)
            base = f"http://127.0.0.1:{port_file.read_text()}"
            print(f"serving {args.pages} pages from {base}", flush=True)
            if args.only:
                for mode in args.only.split(","):
                    n = args.polite_pages if mode == "polite" else args.pages
                    measure(mode, base, n, args.workers, tmp, args.set)
                return
            fetch = measure("fetch", base, args.pages, 0, tmp, args.set)
            extract = measure("extract", base, args.pages, 0, tmp, args.set)
            single = measure("pipeline", base, args.pages, 0, tmp, args.set)
            pooled = measure("pool", base, args.pages, args.workers, tmp, args.set)
            polite = measure("polite", base, args.polite_pages, 0, tmp, args.set)
        finally:
            server.terminate()
            server.wait(timeout=10)
    # Wall clock: what the brief asks for, but on a shared machine (see load_average)
    # every figure moves with the other processes' load.
    bare = 1 / (1 / fetch["pages_per_s"] + 1 / extract["pages_per_s"])
    bare_meta = 1 / (1 / fetch["pages_per_s"] + 1 / extract["with_metadata_pages_per_s"])
    summary = {
        "bare_sequential_pages_per_s": round(bare, 1),
        "bare_sequential_with_metadata_pages_per_s": round(bare_meta, 1),
        "pipeline_ratio": round(single["pages_per_s"] / bare, 2),
        "pipeline_ratio_vs_metadata_bare": round(single["pages_per_s"] / bare_meta, 2),
        "pool_ratio": round(pooled["pages_per_s"] / bare, 2),
        "pool_ratio_vs_metadata_bare": round(pooled["pages_per_s"] / bare_meta, 2),
        "targets": {"pipeline_ratio": 0.8, "pool_ratio": 1.5},
        "polite_pages_per_s": polite["pages_per_s"],
    }
    # CPU time per page does not depend on the other processes' load: the bare
    # sequential cost is fetch + extract; ours includes every pipeline stage.
    bare_cpu = fetch["cpu_ms_per_page"] + extract["cpu_ms_per_page"]
    bare_meta_cpu = fetch["cpu_ms_per_page"] + extract["with_metadata_cpu_ms_per_page"]
    # With two free cores (one for the reactor process, one shared by the
    # extraction workers) the pool run is bound by its busier side.
    pool_bound = max(pooled["cpu_main_ms_per_page"], pooled["cpu_workers_ms_per_page"])
    summary["cpu"] = {
        "bare_sequential_ms_per_page": round(bare_cpu, 1),
        "bare_sequential_with_metadata_ms_per_page": round(bare_meta_cpu, 1),
        "pipeline_ms_per_page": single["cpu_ms_per_page"],
        "pipeline_ratio": round(bare_cpu / single["cpu_ms_per_page"], 2),
        "pipeline_ratio_vs_metadata_bare": round(bare_meta_cpu / single["cpu_ms_per_page"], 2),
        "pool_main_ms_per_page": pooled["cpu_main_ms_per_page"],
        "pool_workers_ms_per_page": pooled["cpu_workers_ms_per_page"],
        "pool_projected_ratio_two_free_cores": round(bare_cpu / pool_bound, 2),
    }
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
