"""The NCBI E-utilities client against a local HTTP server serving recorded responses (tests/fixtures/ncbi/).

The server runs on 127.0.0.1 (ephemeral port) in a thread; every request goes through the real client
(urllib, sockets, HTTP parsing). It logs what it was asked and can answer with faults: 429 with Retry-After,
500, 400, a body shorter than its Content-Length, XML cut short, or an answer slower than the client's timeout.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pipeline import fetch
from pipeline.documents import read_documents
from pipeline.fetch import MANIFEST_NAME, EutilsClient, FetchError, FetchUsageError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ncbi"
QUERY = "mesenchymal stem cells acute kidney injury"
ERROR_QUERY = "mesenchymal AND (kidney"
PMIDS = ["99100001", "99100002", "99100003"]
SEARCH_ORDER = ["99100003", "99100002", "99100001"]  # esearch_msc_aki.json: most recent first
WEBENV = "MCID_99aa00bb11cc22dd33ee44ff"


# ---------------------------------------------------------------------------------------------- the server


@dataclass
class Request:
    utility: str
    params: dict[str, str]
    method: str
    time: float

    @property
    def ids(self) -> list[str]:
        return [i for i in self.params.get("id", "").split(",") if i]


@dataclass
class Fault:
    action: str
    times: int | None
    when: Callable[[Request], bool]


class FakeEutils:
    """E-utilities on 127.0.0.1: esearch and efetch answered from the recorded responses, sliced to the ids or
    history page asked for."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self.lock = threading.Lock()
        self.slow_s = 1.0
        self.gzip = False
        self.search = json.loads((FIXTURES / "esearch_msc_aki.json").read_text())
        pubmed = (FIXTURES / "efetch_pubmed.xml").read_text()
        self.pubmed_head = pubmed[: pubmed.index("<PubmedArticleSet>")] + "<PubmedArticleSet>\n"
        self.pubmed = {
            re.search(r"<PMID[^>]*>(\d+)</PMID>", a).group(1): a
            for a in re.findall(r"<PubmedArticle>.*?</PubmedArticle>", pubmed, re.S)
        }
        pmc = (FIXTURES / "efetch_pmc.xml").read_text()
        self.pmc_head = pmc[: pmc.index("<pmc-articleset>")] + "<pmc-articleset>"
        self.pmc = {
            re.search(r'pub-id-type="pmc(?:id)?">(?:PMC)?(\d+)<', a).group(1): a
            for a in re.findall(r"<article .*?</article>", pmc, re.S)
        }
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.ncbi = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/entrez/eutils/"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def fail(self, action: str, times: int | None = 1, when: Callable[[Request], bool] = lambda r: True) -> None:
        """Answer the next ``times`` requests matching ``when`` (None: all of them) with ``action``."""
        self.faults.append(Fault(action, times, when))

    def record(self, request: Request) -> str | None:
        with self.lock:
            self.requests.append(request)
            for fault in self.faults:
                if (fault.times is None or fault.times > 0) and fault.when(request):
                    if fault.times is not None:
                        fault.times -= 1
                    return fault.action
        return None

    def efetches(self) -> list[Request]:
        return [r for r in self.requests if r.utility == "efetch.fcgi"]

    def answer(self, request: Request) -> tuple[int, bytes, str]:
        params = request.params
        if request.utility == "esearch.fcgi":
            if params.get("term") == ERROR_QUERY:
                return 200, (FIXTURES / "esearch_error.json").read_bytes(), "application/json"
            data = json.loads(json.dumps(self.search))
            result = data["esearchresult"]
            if params.get("term") != QUERY:
                result.update({"count": "0", "idlist": [], "warninglist": {"outputmessages": ["No items found."]}})
            result["idlist"] = result["idlist"][: int(params.get("retmax", "20"))]
            result["retmax"] = str(len(result["idlist"]))
            return 200, json.dumps(data).encode(), "application/json"
        if request.utility != "efetch.fcgi":
            return 404, b"Not Found", "text/plain"
        if "WebEnv" in params:
            if params["WebEnv"] != WEBENV or params.get("query_key") != "1":
                error = "<eFetchResult>\n\t<ERROR>Unable to obtain query #1</ERROR>\n</eFetchResult>\n"
                return 200, error.encode(), "text/xml"
            start, count = int(params.get("retstart", "0")), int(params.get("retmax", "20"))
            ids = self.search["esearchresult"]["idlist"][start : start + count]
        else:
            ids = request.ids
        if params.get("db") == "pmc":
            body = self.pmc_head + "".join(self.pmc[i] for i in ids if i in self.pmc) + "</pmc-articleset>"
        else:
            body = self.pubmed_head + "\n".join(self.pubmed[i] for i in ids if i in self.pubmed)
            body += "\n</PubmedArticleSet>\n"
        return 200, body.encode(), "text/xml; charset=UTF-8"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self._serve(urllib.parse.urlsplit(self.path).query)

    def do_POST(self) -> None:
        self._serve(self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode())

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if "Content-Length" not in (headers or {}):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _serve(self, query: str) -> None:
        ncbi: FakeEutils = self.server.ncbi  # type: ignore[attr-defined]
        params = {k: v[-1] for k, v in urllib.parse.parse_qs(query, keep_blank_values=True).items()}
        request = Request(urllib.parse.urlsplit(self.path).path.rsplit("/", 1)[-1], params, self.command, 0.0)
        request.time = time.monotonic()
        fault = ncbi.record(request)
        try:
            if fault == "429":
                body = (FIXTURES / "rate_limit_429.json").read_bytes()
                self._send(429, body, "application/json", {"Retry-After": "1"})
                return
            if fault == "500":
                self._send(500, b"<html><body><h1>Internal Server Error</h1></body></html>", "text/html")
                return
            if fault == "400":
                self._send(400, b"Bad Request: the id list is not valid", "text/plain")
                return
            if fault == "slow":
                time.sleep(ncbi.slow_s)
            status, body, content_type = ncbi.answer(request)
            if fault == "truncate":  # the connection closes before Content-Length bytes came
                self._send(status, body[: len(body) // 2], content_type, {"Content-Length": str(len(body))})
                return
            if fault == "badxml":  # a whole response (right Content-Length) of XML cut short
                self._send(status, body[: len(body) // 2], content_type)
                return
            headers = {}
            if ncbi.gzip and "gzip" in (self.headers.get("Accept-Encoding") or ""):
                body = gzip.compress(body)
                headers["Content-Encoding"] = "gzip"
            self._send(status, body, content_type, headers)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            pass


# ---------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.delenv("NCBI_API_KEY", raising=False)
    monkeypatch.delenv("NCBI_EMAIL", raising=False)


@pytest.fixture
def server() -> Iterator[FakeEutils]:
    fake = FakeEutils()
    yield fake
    fake.close()


def client_for(server: FakeEutils, **settings: Any) -> EutilsClient:
    """A client with test timings: 50 requests/s, short timeouts and backoff."""
    options: dict[str, Any] = {
        "requests_per_second": 50.0,
        "timeout": 2.0,
        "retries": 3,
        "backoff": 0.01,
        "max_wait": 2.0,
    }
    options.update(settings)
    return EutilsClient(server.url, **options)


def manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / MANIFEST_NAME).read_text())


# ---------------------------------------------------------------------------------------------- fetching


def test_fetch_pmids_in_batches_writes_files_the_readers_read(server: FakeEutils, tmp_path: Path) -> None:
    server.gzip = True
    out = tmp_path / "fetched"
    client = client_for(server, email="reviewer@example.org")
    result = fetch.fetch_pmids([*PMIDS, "99199999", "99100001"], out, client, batch_size=2)

    assert [r.ids for r in server.efetches()] == [["99100001", "99100002"], ["99100003", "99199999"]]
    for request in server.requests:
        assert request.params["db"] == "pubmed" and request.params["retmode"] == "xml"
        assert request.params["rettype"] == "abstract"
        assert request.params["tool"] == fetch.TOOL and request.params["email"] == "reviewer@example.org"
        assert "api_key" not in request.params
    assert result.downloaded == PMIDS and result.missing == ["99199999"] and result.on_disk == []
    assert sorted(p.name for p in out.iterdir()) == sorted([MANIFEST_NAME, *(f"pubmed_{i}.xml" for i in PMIDS)])

    saved = manifest(out)
    assert sorted(saved["records"]) == [f"pubmed:{i}" for i in PMIDS]
    assert saved["records"]["pubmed:99100001"]["file"] == "pubmed_99100001.xml"
    (job,) = saved["jobs"].values()
    assert job["kind"] == "pmids" and job["complete"] is True and job["finished"]
    assert job["requested"] == [*PMIDS, "99199999"] and job["fetched"] == PMIDS and job["missing"] == ["99199999"]
    assert job["runs"][-1]["requests"] == 2

    documents, failures = read_documents([out])
    assert failures == []  # the hidden manifest is not read as a document
    docs = {d.doc_id: d for d in documents}
    assert sorted(docs) == PMIDS
    first = docs["99100001"].metadata
    assert first["format"] == "pubmed-xml"
    assert first["title"].startswith("Umbilical cord mesenchymal stem cells protect rats")
    assert (first["pmcid"], first["doi"], first["journal"], first["year"]) == (
        "PMC9910001",
        "10.5555/jrenregen.2023.0101",
        "Journal of Renal Regeneration",
        "2023",
    )
    assert first["authors"] == "Moreau C;Tanaka HK"
    assert "RESULTS: UC-MSCs reduced serum creatinine" in docs["99100001"].text
    assert docs["99100002"].metadata["authors"] == "Adeyemi F;Kidney Repair Consortium"
    assert docs["99100003"].metadata["year"] == "2021"


def test_fetch_query_pages_through_the_history(server: FakeEutils, tmp_path: Path) -> None:
    out = tmp_path / "q"
    result = fetch.fetch_query(QUERY, out, client_for(server), batch_size=2)

    search, *pages = server.requests
    assert search.utility == "esearch.fcgi"
    assert (search.params["term"], search.params["usehistory"], search.params["db"]) == (QUERY, "y", "pubmed")
    assert [(p.params["WebEnv"], p.params["query_key"], p.params["retstart"], p.params["retmax"]) for p in pages] == [
        (WEBENV, "1", "0", "2"),
        (WEBENV, "1", "2", "1"),
    ]
    assert all("id" not in p.params for p in pages)
    assert result.count == 3 and result.downloaded == SEARCH_ORDER and result.missing == []
    job = manifest(out)["jobs"][f"query:{QUERY}"]
    assert job["query"] == QUERY and job["count"] == 3 and job["requested"] == SEARCH_ORDER
    assert job["query_translation"].startswith('("mesenchymal stem cells"[MeSH Terms]')
    assert job["complete"] is True
    documents, failures = read_documents([out])
    assert failures == [] and sorted(d.doc_id for d in documents) == PMIDS

    # Again: the search is made again, no page is fetched (every id is on disk).
    server.requests.clear()
    again = fetch.fetch_query(QUERY, out, client_for(server), batch_size=2)
    assert [r.utility for r in server.requests] == ["esearch.fcgi"]
    assert again.downloaded == [] and sorted(again.on_disk) == PMIDS
    assert len(manifest(out)["jobs"][f"query:{QUERY}"]["runs"]) == 2


def test_fetch_query_max_and_no_match(server: FakeEutils, tmp_path: Path) -> None:
    result = fetch.fetch_query(QUERY, tmp_path / "a", client_for(server), max_records=1)
    assert server.requests[0].params["retmax"] == "1"
    assert server.efetches()[0].params["retmax"] == "1" and result.downloaded == ["99100003"]
    nothing = fetch.fetch_query("kidney unicorns", tmp_path / "b", client_for(server))
    assert nothing.count == 0 and nothing.downloaded == [] and len(server.efetches()) == 1


def test_fetch_pmcids_writes_jats_files(server: FakeEutils, tmp_path: Path) -> None:
    out = tmp_path / "pmc"
    result = fetch.fetch_pmcids(["PMC9910011", "9910012"], out, client_for(server))
    (request,) = server.efetches()
    assert request.params["db"] == "pmc" and request.ids == ["9910011", "9910012"]
    assert result.downloaded == ["PMC9910011", "PMC9910012"]
    assert sorted(p.name for p in out.glob("*.xml")) == ["pmc_PMC9910011.xml", "pmc_PMC9910012.xml"]
    documents, failures = read_documents([out])
    assert failures == []
    docs = {d.doc_id: d for d in documents}
    assert sorted(docs) == ["99100011", "PMC9910012"]  # doc_id: the PMID when the article gives one
    exosomes = docs["99100011"]
    assert exosomes.metadata["format"] == "jats-xml"
    assert (exosomes.metadata["pmcid"], exosomes.metadata["journal"], exosomes.metadata["year"]) == (
        "PMC9910011",
        "Journal of Renal Regeneration",
        "2024",
    )
    assert exosomes.metadata["authors"] == "Haddad R;Nilsen PO"
    assert "paracrine factors [1]" in exosomes.text and "References" in exosomes.text
    review = docs["PMC9910012"].metadata
    assert (review["pmcid"], review["article_type"], review["doi"]) == (
        "PMC9910012",
        "review-article",
        "10.5555/scn.2024.0012",
    )


# ---------------------------------------------------------------------------------------------- rate limit


def test_requests_are_spaced_to_the_rate(server: FakeEutils) -> None:
    client = client_for(server, requests_per_second=20.0)
    started = time.monotonic()
    for _ in range(6):
        client.esearch(QUERY, retmax=1)
    assert time.monotonic() - started >= 5 / 20
    gaps = [b.time - a.time for a, b in zip(server.requests, server.requests[1:], strict=False)]
    assert min(gaps) >= 0.035, gaps


def test_default_rate_is_3_per_second_and_10_with_an_api_key(
    server: FakeEutils, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = EutilsClient(server.url)
    assert plain.requests_per_second == 3.0 and plain.api_key is None
    started = time.monotonic()
    for _ in range(3):
        plain.esearch(QUERY, retmax=1)
    assert time.monotonic() - started >= 2 / 3
    assert "api_key" not in server.requests[0].params

    monkeypatch.setenv("NCBI_API_KEY", "secret-key-123")
    monkeypatch.setenv("NCBI_EMAIL", "team@example.org")
    keyed = EutilsClient(server.url)
    assert keyed.requests_per_second == 10.0
    keyed.esearch(QUERY, retmax=1)
    params = server.requests[-1].params
    assert (params["api_key"], params["email"], params["tool"]) == ("secret-key-123", "team@example.org", fetch.TOOL)
    shown = keyed.display_url("efetch.fcgi", {"db": "pubmed", "id": ",".join(str(i) for i in range(10))})
    assert "secret-key-123" not in shown and shown.endswith("&api_key=*** (10 ids)")


# ---------------------------------------------------------------------------------------------- retries


def test_429_waits_for_retry_after_then_succeeds(server: FakeEutils, tmp_path: Path) -> None:
    server.fail("429")
    result = fetch.fetch_pmids(["99100001"], tmp_path, client_for(server))
    first, second = server.requests
    assert second.time - first.time >= 0.95  # Retry-After: 1, although the backoff is 0.01 s
    assert result.downloaded == ["99100001"] and (tmp_path / "pubmed_99100001.xml").is_file()


def test_500_then_success(server: FakeEutils, tmp_path: Path) -> None:
    server.fail("500", times=2)
    result = fetch.fetch_pmids(PMIDS, tmp_path, client_for(server))
    assert len(server.requests) == 3 and result.downloaded == PMIDS


def test_truncated_and_invalid_bodies_are_retried(server: FakeEutils, tmp_path: Path) -> None:
    server.fail("truncate")
    server.fail("badxml")
    result = fetch.fetch_pmids(PMIDS, tmp_path, client_for(server))
    assert len(server.requests) == 3 and result.downloaded == PMIDS
    documents, failures = read_documents([tmp_path])
    assert failures == [] and len(documents) == 3


def test_slow_response_times_out_and_is_retried(server: FakeEutils, tmp_path: Path) -> None:
    server.slow_s = 1.0
    server.fail("slow")
    started = time.monotonic()
    result = fetch.fetch_pmids(["99100002"], tmp_path, client_for(server, timeout=0.3))
    assert time.monotonic() - started < 0.9
    assert len(server.requests) == 2 and result.downloaded == ["99100002"]


def test_a_request_that_keeps_timing_out_gives_a_clear_error(server: FakeEutils, tmp_path: Path) -> None:
    server.slow_s = 1.0
    server.fail("slow", times=None)
    started = time.monotonic()
    with pytest.raises(FetchError) as error:
        fetch.fetch_pmids(["99100001", "99100002"], tmp_path, client_for(server, timeout=0.25, retries=2))
    assert time.monotonic() - started < 1.5
    assert len(server.requests) == 3
    message = str(error.value)
    assert message.startswith(
        "efetch db=pubmed ids 99100001-99100002 (2 ids): timed out: no complete response within 0.25 s"
    )
    assert "gave up after 3 attempts" in message
    assert f"URL: {server.url}efetch.fcgi?db=pubmed&id=99100001,99100002" in message
    assert error.value.result is not None and error.value.result.downloaded == []
    assert manifest(tmp_path)["jobs"].popitem()[1]["runs"][-1]["error"] == message


def test_client_errors_are_not_retried(server: FakeEutils, tmp_path: Path) -> None:
    server.fail("400")
    with pytest.raises(FetchError, match=r"HTTP 400 Bad Request: Bad Request: the id list is not valid; URL: "):
        fetch.fetch_pmids(["99100001"], tmp_path, client_for(server))
    with pytest.raises(FetchError, match="NCBI refused the search: Invalid query: unbalanced parentheses"):
        fetch.fetch_query(ERROR_QUERY, tmp_path, client_for(server))
    assert len(server.requests) == 2
    with pytest.raises(FetchUsageError, match="not a PMID: 'PMC1'"):
        fetch.fetch_pmids(["PMC1"], tmp_path, client_for(server))


# ---------------------------------------------------------------------------------------------- resume


def test_an_interrupted_fetch_resumes_without_fetching_again(server: FakeEutils, tmp_path: Path) -> None:
    out = tmp_path / "fetched"
    server.fail("500", times=None, when=lambda r: "99100003" in r.ids)
    with pytest.raises(FetchError, match=r"efetch db=pubmed ids 99100003: HTTP 500 Internal Server Error") as error:
        fetch.fetch_pmids(PMIDS, out, client_for(server, retries=2), batch_size=2)
    assert [r.ids for r in server.requests] == [["99100001", "99100002"]] + [["99100003"]] * 3
    assert error.value.result.downloaded == ["99100001", "99100002"]
    assert sorted(p.name for p in out.glob("*.xml")) == ["pubmed_99100001.xml", "pubmed_99100002.xml"]
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    job = next(iter(manifest(out)["jobs"].values()))
    assert job["complete"] is False and job["fetched"] == ["99100001", "99100002"]
    assert "HTTP 500" in job["runs"][-1]["error"]

    server.faults.clear()
    server.requests.clear()
    result = fetch.fetch_pmids(PMIDS, out, client_for(server), batch_size=2)
    assert [r.ids for r in server.requests] == [["99100003"]]
    assert result.on_disk == ["99100001", "99100002"] and result.downloaded == ["99100003"]
    job = next(iter(manifest(out)["jobs"].values()))
    assert job["complete"] is True and job["fetched"] == PMIDS and len(job["runs"]) == 2
    documents, failures = read_documents([out])
    assert failures == [] and sorted(d.doc_id for d in documents) == PMIDS


def test_an_interrupted_query_resumes_at_the_failed_page(server: FakeEutils, tmp_path: Path) -> None:
    server.fail("500", times=None, when=lambda r: r.params.get("retstart") == "2")
    with pytest.raises(FetchError, match="records 3-3 of 3"):
        fetch.fetch_query(QUERY, tmp_path, client_for(server, retries=1), batch_size=2)
    server.faults.clear()
    server.requests.clear()
    result = fetch.fetch_query(QUERY, tmp_path, client_for(server), batch_size=2)
    assert [(r.utility, r.params.get("retstart")) for r in server.requests] == [
        ("esearch.fcgi", None),
        ("efetch.fcgi", "2"),
    ]
    assert result.downloaded == ["99100001"] and sorted(result.on_disk) == ["99100002", "99100003"]


def test_damaged_files_are_fetched_again_and_files_without_manifest_kept(server: FakeEutils, tmp_path: Path) -> None:
    fetch.fetch_pmids(PMIDS, tmp_path, client_for(server))
    (tmp_path / "pubmed_99100002.xml").write_text("<PubmedArticleSet><PubmedArticle>")  # cut short
    server.requests.clear()
    result = fetch.fetch_pmids(PMIDS, tmp_path, client_for(server))
    assert [r.ids for r in server.requests] == [["99100002"]] and result.downloaded == ["99100002"]

    # Files written before the manifest was saved (or without it) are recognised and not fetched again.
    (tmp_path / MANIFEST_NAME).unlink()
    server.requests.clear()
    again = fetch.fetch_pmids(PMIDS, tmp_path, client_for(server))
    assert server.requests == [] and again.on_disk == PMIDS and again.downloaded == []
    assert manifest(tmp_path)["records"]["pubmed:99100001"]["request"].startswith("found on disk")


# ---------------------------------------------------------------------------------------------- command line


def parser() -> argparse.ArgumentParser:
    """The ``evidence`` parser of pipeline/cli.py, with its fetch and run subcommands."""
    from pipeline.cli import build_parser

    return build_parser()


def test_command_line_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = parser().parse_args(["fetch", "--pmids", "1,2", "--out", str(tmp_path), "--max", "5", "--timeout", "3"])
    assert (args.pmids, args.fetch_dir, args.max, args.timeout, args.retries) == ("1,2", tmp_path, 5, 3.0, 4)
    assert args.base_url == fetch.DEFAULT_BASE_URL and args.fetch_dir == tmp_path
    default = parser().parse_args(["fetch", "--query", "msc"])
    assert default.fetch_dir == fetch.DEFAULT_OUT_DIR
    run = parser().parse_args(["run", "--query", "msc", "--fetch-dir", "f", "--out", "o", "--no-models"])
    assert (run.fetch_dir, run.out, run.no_models, run.batch_size) == (Path("f"), Path("o"), True, 128)
    for bad in (["fetch", "--pmids", "1", "--query", "x"], ["fetch"], ["fetch", "--pmids", "1", "--max", "0"]):
        with pytest.raises(SystemExit) as exit_info:
            parser().parse_args(bad)
        assert exit_info.value.code == 2
    capsys.readouterr()


def test_main_fetch_exit_codes(server: FakeEutils, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def main(*options: str) -> int:
        return fetch.main_fetch(parser().parse_args(["fetch", *options, "--base-url", server.url, "--retries", "0"]))

    assert main("--pmids", "99100001,99100002", "--out", str(tmp_path / "a")) == 0
    assert "2 PubMed records in" in capsys.readouterr().out
    assert main("--pmids", "99100001,99100002", "--out", str(tmp_path / "a")) == 0
    assert "(0 downloaded, 2 already there, 0 missing; 0 requests)" in capsys.readouterr().out
    assert main("--pmids", "99100003,99199999", "--out", str(tmp_path / "a")) == 1
    assert "warning: pubmed 99199999: NCBI returned no record" in capsys.readouterr().err
    assert main("--pmids", "99100001,abc", "--out", str(tmp_path / "b")) == 2
    assert "error: --pmids: not a PMID: 'abc'" in capsys.readouterr().err
    assert main("--pmid-file", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "b")) == 2
    id_file = tmp_path / "ids.txt"
    id_file.write_text("# two papers\n99100001\n99100002  # EVs\n")
    assert main("--pmid-file", str(id_file), "--out", str(tmp_path / "c")) == 0
    server.fail("500")
    assert main("--pmcids", "PMC9910011", "--out", str(tmp_path / "d")) == 3
    err = capsys.readouterr().err
    assert "error: efetch db=pmc ids PMC9910011: HTTP 500 Internal Server Error" in err
    assert "run the same command again to resume" in err
    assert main("--pmcids", "PMC9910011", "--out", str(tmp_path / "d")) == 0
    # the same through the `evidence` command's entry point
    from pipeline.cli import main as evidence

    assert evidence(["fetch", "--pmids", "99100001", "--out", str(tmp_path / "e"), "--base-url", server.url]) == 0
    assert (tmp_path / "e" / "pubmed_99100001.xml").is_file()


def test_main_run_fetches_and_extracts(prefect_harness: None, server: FakeEutils, tmp_path: Path) -> None:
    fetched, out = tmp_path / "fetched", tmp_path / "out"
    args = parser().parse_args(
        [
            "run",
            "--pmids",
            "99100001,99100002",
            "--fetch-dir",
            str(fetched),
            "--out",
            str(out),
            "--base-url",
            server.url,
            "--no-models",
            "--workers",
            "1",
            "--no-progress",
        ]
    )
    assert fetch.main_run(args) == 0
    evidence = pd.read_csv(out / "evidence.csv", dtype=str, keep_default_na=False)
    assert len(evidence) > 0
    assert set(evidence["doc_pmid"]) == {"99100001", "99100002"}
    assert set(evidence["doc_id"]) == {"99100001", "99100002"}
    rows = evidence[evidence["doc_id"] == "99100001"]
    assert set(rows["doc_journal"]) == {"Journal of Renal Regeneration"}
    assert any("serum creatinine" in o for o in rows["outcomes"])


def test_a_long_id_list_is_posted(server: FakeEutils) -> None:
    ids = [*PMIDS, *(str(99200000 + i) for i in range(250))]
    root = client_for(server).efetch_ids("pubmed", ids, "efetch db=pubmed (many ids)")
    (request,) = server.requests
    assert request.method == "POST" and request.ids == ids and request.params["tool"] == fetch.TOOL
    assert [a.findtext("MedlineCitation/PMID") for a in root] == PMIDS
