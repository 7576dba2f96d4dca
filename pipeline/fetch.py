"""Fetching papers from NCBI E-utilities: the ``evidence fetch`` and ``evidence run`` commands.

A small HTTP client (standard library only) for E-utilities (base URL ``--base-url``, default
:data:`DEFAULT_BASE_URL`):

* by PMID: ``efetch db=pubmed retmode=xml rettype=abstract``, up to 200 ids per request;
* by PMCID: ``efetch db=pmc`` (JATS XML), :data:`PMC_BATCH` ids per request (full texts are large);
* by PubMed query: ``esearch usehistory=y`` (Count, WebEnv, QueryKey and the id list), then ``efetch`` of the
  history with ``WebEnv``/``query_key`` and ``retstart``/``retmax`` pages of 200. NCBI serves at most the first
  :data:`PUBMED_SEARCH_LIMIT` records of a PubMed search; narrow the query (by date) for more.

Every request carries ``tool=`` (:data:`TOOL`), ``email=`` (``--email`` or ``$NCBI_EMAIL``, when set) and
``api_key=`` (``--api-key`` or ``$NCBI_API_KEY``, when set; never written to logs, errors or the manifest).
Requests are spaced to NCBI's rate limit: at most 3 per second, 10 with an API key (retries included). A request
that fails with HTTP 429 or 5xx, a timeout, a connection error or a truncated or invalid body (a body shorter than
its Content-Length, a corrupt gzip, XML or JSON that does not parse) is retried with exponential backoff
(``backoff * 2**(n-1)`` seconds plus up to 10% jitter, at least the server's ``Retry-After``, at most
``max_wait``); other HTTP errors (400, 404) and errors NCBI states in the body are not retried. Each attempt has a
timeout (connect, every read, and the whole body), so a fetch never hangs. When the retries are used up,
:class:`FetchError` names the request (ids or history page), the URL and the problem.

Files written to the output folder (default ``corpus/fetched/``), each atomically (hidden temporary file in the
same folder, then ``os.replace``):

* ``pubmed_<PMID>.xml``: one ``<PubmedArticleSet>`` per PubMed record (a PubmedArticle as efetch returns it);
* ``pmc_PMC<n>.xml``: one JATS ``<article>`` per PMC record;
* ``.fetch-manifest.json``: hidden, so ``evidence extract`` does not read it as a document. ``records``: every
  file with its database, id, size, SHA-256, date and request; ``jobs``: one entry per id list or query (the
  query, its translation and Count, the ids requested, fetched and missing, files, and each run's dates,
  downloads, requests and error).

One file per record means a PMID in two queries is stored once (``evidence extract`` refuses duplicate doc
ids) and a re-run -- after an interruption or a failure -- fetches only what is not on disk yet: ids whose file
is present and complete are not requested again, and a query's history page is skipped when every id of it is on
disk (the query itself is searched again; its WebEnv is not reused). The XML files carry the metadata
(PMID, PMCID, DOI, title, journal, year, authors) that :mod:`pipeline.readers` reads.

Exit codes of :func:`main_fetch` (``evidence fetch``):

* 0: every requested record is on disk (downloaded now or before);
* 1: finished, but NCBI returned no record for some ids (listed as warnings), or the query matched nothing;
* 2: usage error: no or invalid ids, an unreadable id file, an output folder that cannot be written;
* 3: NCBI could not be reached or kept failing after the retries; the records fetched so far are on disk and
  the same command resumes.

:func:`main_run` (``evidence run``) fetches, then runs the extract flow (the one ``evidence extract`` runs) on
the fetch folder: 0 when both succeed; 1 when ids were missing or an input could not be used by the extraction;
2 on a usage error or when the fetch folder holds no documents; 3 when the fetch failed (nothing is extracted).
"""

from __future__ import annotations

import argparse
import email.utils
import gzip
import hashlib
import http.client
import json
import os
import random
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from xml.etree import ElementTree as ET

from pipeline import __version__, paths
from pipeline.documents import InputError, is_input_name
from pipeline.readers import decode_xml, parse_xml

DEFAULT_BASE_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
DEFAULT_OUT_DIR = paths.CORPUS_DIR / "fetched"
TOOL = "msc-aki-evidence"
MANIFEST_NAME = ".fetch-manifest.json"
#: NCBI's limits: requests per second without and with an API key.
RATE_WITHOUT_KEY = 3.0
RATE_WITH_KEY = 10.0
#: Ids per efetch request (PubMed abstracts; PMC full texts).
PUBMED_BATCH = 200
PMC_BATCH = 10
#: NCBI serves at most this many records of one PubMed search.
PUBMED_SEARCH_LIMIT = 10_000
DEFAULT_TIMEOUT = 60.0
DEFAULT_RETRIES = 4
DEFAULT_BACKOFF = 1.0
DEFAULT_MAX_WAIT = 60.0
#: A response larger than this is refused (not retried).
MAX_RESPONSE_BYTES = 500_000_000
#: A GET URL longer than this is sent as a POST (NCBI's advice for long id lists).
MAX_GET_URL = 2000

EXIT_OK = 0
EXIT_MISSING = 1
EXIT_USAGE = 2
EXIT_FETCH_FAILED = 3

T = TypeVar("T")
Log = Callable[[str], None]


# ---------------------------------------------------------------------------------------------- errors


class FetchError(Exception):
    """A request to NCBI failed for good: the retries are used up, or the error is not one to retry.

    ``what`` names the request (database, ids or history page), ``url`` the request (API key hidden, long id
    lists shortened), ``problem`` what went wrong. ``result`` is set by the fetch functions: what was on disk
    when the fetch stopped.
    """

    def __init__(self, what: str, url: str, problem: str, attempts: int = 1) -> None:
        self.what = what
        self.url = url
        self.problem = problem
        self.attempts = attempts
        self.result: FetchResult | None = None
        tries = f" (gave up after {attempts} attempts)" if attempts > 1 else ""
        super().__init__(f"{what}: {problem}{tries}; URL: {url}")


class FetchUsageError(ValueError):
    """Bad input from the user: invalid ids, an unreadable id file, nothing to fetch."""


class _Retryable(Exception):
    """A failed attempt worth repeating (429, 5xx, timeout, connection error, truncated or invalid body)."""

    def __init__(self, problem: str, retry_after: float | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.retry_after = retry_after


class _NcbiError(Exception):
    """An error NCBI states (HTTP 4xx, an ERROR in the body): repeating the request would not help."""


# ---------------------------------------------------------------------------------------------- rate limit


class RateLimiter:
    """Spaces calls at least ``1 / per_second`` seconds apart (start to start); thread-safe."""

    def __init__(self, per_second: float) -> None:
        if per_second <= 0:
            raise ValueError("requests per second must be positive")
        self.per_second = per_second
        self.interval = 1.0 / per_second
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            if now < self._next:
                time.sleep(self._next - now)
                now = time.monotonic()
            self._next = now + self.interval


# ---------------------------------------------------------------------------------------------- HTTP client


@dataclass
class SearchResult:
    """What ``esearch usehistory=y`` answered."""

    count: int
    webenv: str
    query_key: str
    ids: list[str]
    translation: str = ""
    warnings: list[str] = field(default_factory=list)


class EutilsClient:
    """E-utilities over HTTP(S) with NCBI's rate limit, retries with backoff, and timeouts.

    ``api_key`` and ``email`` default to ``$NCBI_API_KEY`` and ``$NCBI_EMAIL``. ``requests_per_second``
    defaults to NCBI's limit: 3, or 10 with an API key. ``timeout`` bounds each attempt (connect, each read,
    and the whole body); ``retries`` is the number of attempts after the first.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        api_key: str | None = None,
        email: str | None = None,
        tool: str = TOOL,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff: float = DEFAULT_BACKOFF,
        max_wait: float = DEFAULT_MAX_WAIT,
        requests_per_second: float | None = None,
        log: Log | None = None,
    ) -> None:
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        if retries < 0:
            raise ValueError("retries must be 0 or more")
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.api_key = api_key if api_key is not None else os.environ.get("NCBI_API_KEY") or None
        self.email = email if email is not None else os.environ.get("NCBI_EMAIL") or None
        self.tool = tool
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        rate = requests_per_second or (RATE_WITH_KEY if self.api_key else RATE_WITHOUT_KEY)
        self.limiter = RateLimiter(rate)
        self.log = log or (lambda message: None)
        self.requests = 0
        self._opener = urllib.request.build_opener()

    @property
    def requests_per_second(self) -> float:
        return self.limiter.per_second

    # ------------------------------------------------------------------ utilities

    def esearch(self, term: str, *, retmax: int, db: str = "pubmed") -> SearchResult:
        """Search ``db`` with ``usehistory=y``; the first ``retmax`` ids come with Count, WebEnv and QueryKey."""
        params = {"db": db, "term": term, "usehistory": "y", "retmode": "json", "retmax": str(retmax)}
        result = self.request("esearch.fcgi", params, f"esearch db={db} term={term!r}", _parse_esearch)
        return result

    def efetch_ids(self, db: str, ids: Sequence[str], what: str) -> ET.Element:
        """The records of ``ids`` (PMIDs, or numeric PMC ids) as parsed XML."""
        params = {"db": db, "id": ",".join(ids), "retmode": "xml"}
        if db == "pubmed":
            params["rettype"] = "abstract"
        return self.request("efetch.fcgi", params, what, _xml_validator(_ROOTS[db]))

    def efetch_history(self, db: str, webenv: str, query_key: str, retstart: int, retmax: int, what: str) -> ET.Element:
        """One page of a search's history: records ``retstart`` to ``retstart + retmax - 1``."""
        params = {
            "db": db,
            "WebEnv": webenv,
            "query_key": query_key,
            "retstart": str(retstart),
            "retmax": str(retmax),
            "retmode": "xml",
        }
        if db == "pubmed":
            params["rettype"] = "abstract"
        return self.request("efetch.fcgi", params, what, _xml_validator(_ROOTS[db]))

    # ------------------------------------------------------------------ one request, with retries

    def request(self, utility: str, params: dict[str, str], what: str, validate: Callable[[bytes], T]) -> T:
        """GET (or POST, for a long URL) ``utility`` with ``params``; ``validate`` turns the body into the result
        or raises :class:`_Retryable` / :class:`_NcbiError`. Raises :class:`FetchError` when it gives up."""
        full = dict(params)
        full["tool"] = self.tool
        if self.email:
            full["email"] = self.email
        if self.api_key:
            full["api_key"] = self.api_key
        url = self.base_url + utility
        query = urllib.parse.urlencode(full)
        data: bytes | None = None
        if len(url) + 1 + len(query) > MAX_GET_URL:
            data = query.encode("ascii")
        else:
            url = f"{url}?{query}"
        shown = self.display_url(utility, params)
        attempts = self.retries + 1
        problem = ""
        for attempt in range(1, attempts + 1):
            self.limiter.wait()
            self.requests += 1
            try:
                return validate(self._attempt(url, data))
            except _NcbiError as exc:
                raise FetchError(what, shown, str(exc), attempt) from None
            except _Retryable as exc:
                problem = exc.problem
                if attempt == attempts:
                    break
                delay = self._delay(attempt, exc.retry_after)
                self.log(f"{what}: {problem}; retrying in {delay:.1f} s (attempt {attempt + 1} of {attempts})")
                time.sleep(delay)
        raise FetchError(what, shown, problem, attempts)

    def display_url(self, utility: str, params: dict[str, str]) -> str:
        """The request's URL for messages: API key hidden, an id list longer than 6 shortened."""
        shown = dict(params)
        ids = shown.get("id", "").split(",")
        note = ""
        if len(ids) > 6:
            shown["id"] = ",".join([*ids[:3], "...", ids[-1]])
            note = f" ({len(ids)} ids)"
        shown["tool"] = self.tool
        if self.api_key:
            shown["api_key"] = "***"
        return f"{self.base_url}{utility}?{urllib.parse.urlencode(shown, safe=',*')}{note}"

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        delay = self.backoff * 2 ** (attempt - 1) * (1 + random.uniform(0, 0.1))
        if retry_after is not None:
            delay = max(delay, retry_after)
        return min(delay, self.max_wait)

    def _attempt(self, url: str, data: bytes | None) -> bytes:
        headers = {"User-Agent": f"{TOOL}/{__version__} (Python urllib)", "Accept-Encoding": "gzip"}
        if data is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(url, data=data, headers=headers)
        started = time.monotonic()
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                body = self._read(response, started)
                length = response.headers.get("Content-Length")
                encoding = (response.headers.get("Content-Encoding") or "").strip().lower()
        except urllib.error.HTTPError as exc:
            status = exc.code
            detail = _error_detail(exc)
            problem = f"HTTP {status} {exc.reason}{detail}"
            if status == 429 or status >= 500:
                raise _Retryable(problem, _retry_after(exc.headers.get("Retry-After"))) from None
            raise _NcbiError(problem) from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise _Retryable(f"timed out: no response within {self.timeout:g} s") from None
            raise _Retryable(f"connection failed: {reason}") from None
        except TimeoutError:
            raise _Retryable(f"timed out: no complete response within {self.timeout:g} s") from None
        except http.client.IncompleteRead as exc:
            raise _Retryable(f"truncated response: the connection closed after {len(exc.partial)} bytes") from None
        except (http.client.HTTPException, OSError) as exc:
            raise _Retryable(f"connection error: {type(exc).__name__}: {exc}") from None
        if length is not None and length.strip().isdigit() and int(length) != len(body):
            raise _Retryable(f"truncated response: {len(body)} of {int(length)} bytes (Content-Length)")
        if encoding == "gzip" or body[:2] == b"\x1f\x8b":
            try:
                body = gzip.decompress(body)
            except (OSError, EOFError, zlib.error) as exc:
                raise _Retryable(f"corrupt gzip response ({exc})") from None
        return body

    def _read(self, response: http.client.HTTPResponse, started: float) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            if time.monotonic() - started > self.timeout:
                raise TimeoutError
            chunk = response.read(1 << 16)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise _NcbiError(f"response larger than {MAX_RESPONSE_BYTES / 1e6:.0f} MB; use smaller batches")


def _error_detail(exc: urllib.error.HTTPError) -> str:
    """A short excerpt of an error body (NCBI explains 4xx errors there)."""
    try:
        body = exc.read(600)
    except Exception:  # the body of an error is a courtesy
        return ""
    text = " ".join(body.decode("utf-8", errors="replace").split())
    text = re.sub(r"<[^>]+>", " ", text).strip()
    return f": {text[:300]}" if text else ""


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


# ---------------------------------------------------------------------------------------------- responses

_ROOTS = {"pubmed": ("PubmedArticleSet",), "pmc": ("pmc-articleset",)}


def _xml_validator(roots: tuple[str, ...]) -> Callable[[bytes], ET.Element]:
    def validate(body: bytes) -> ET.Element:
        stripped = body.lstrip()
        if not stripped:
            raise _Retryable("empty response body")
        if stripped[:1] in (b"{", b"["):
            _json_error(body)
            raise _Retryable("JSON where XML was expected")
        try:
            root = parse_xml(decode_xml(body))
        except InputError as exc:
            raise _Retryable(f"invalid XML in the response ({exc}); truncated?") from None
        if root.tag in ("eFetchResult", "ERROR") or (root.tag not in roots and root.find("ERROR") is not None):
            message = " ".join((root.findtext("ERROR") if root.tag != "ERROR" else root.text) or "").split()
            raise _NcbiError(f"NCBI error: {message or root.tag}")
        if root.tag not in roots:
            raise _Retryable(f"unexpected XML: root <{root.tag}>, expected <{roots[0]}>")
        return root

    return validate


def _json_error(body: bytes) -> Any:
    """The parsed JSON body; raises for an error NCBI states in it (``{"error": ...}``) or invalid JSON."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _Retryable("invalid JSON in the response; truncated?") from None
    message = (data.get("error") or data.get("ERROR")) if isinstance(data, dict) else None
    if message:
        if "rate limit" in str(message).lower():
            raise _Retryable(f"NCBI: {message}")
        raise _NcbiError(f"NCBI error: {message}")
    return data


def _parse_esearch(body: bytes) -> SearchResult:
    data = _json_error(body)
    result = data.get("esearchresult") if isinstance(data, dict) else None
    if not isinstance(result, dict):
        raise _Retryable("no esearchresult in the esearch response")
    if result.get("ERROR"):
        raise _NcbiError(f"NCBI refused the search: {result['ERROR']}")
    try:
        count = int(result["count"])
        ids = [str(i) for i in result.get("idlist", [])]
    except (KeyError, TypeError, ValueError):
        raise _Retryable("esearch response without a Count") from None
    webenv, query_key = str(result.get("webenv", "")), str(result.get("querykey", ""))
    if count and not (webenv and query_key):
        raise _Retryable("esearch response without WebEnv/QueryKey (usehistory=y)")
    warnings = []
    for group in ("errorlist", "warninglist"):
        for kind, values in (result.get(group) or {}).items():
            if values:
                warnings.append(f"{kind}: {', '.join(str(v) for v in values)}")
    return SearchResult(count, webenv, query_key, ids, str(result.get("querytranslation", "")), warnings)


def _pubmed_records(root: ET.Element) -> list[tuple[str, ET.Element]]:
    records = []
    for child in root:
        if child.tag == "PubmedArticle":
            pmid = child.findtext("MedlineCitation/PMID")
        elif child.tag == "PubmedBookArticle":
            pmid = child.findtext("BookDocument/PMID")
        else:  # DeleteCitation and the like
            continue
        pmid = (pmid or "").strip()
        if pmid.isdigit():
            records.append((pmid, child))
    return records


def _pmc_records(root: ET.Element, requested: Sequence[str]) -> list[tuple[str, ET.Element]]:
    articles = [a for a in root if a.tag == "article"]
    records = []
    for article in articles:
        pmcid = ""
        for article_id in article.iterfind("front/article-meta/article-id"):
            if article_id.get("pub-id-type") in ("pmc", "pmcid"):
                pmcid = normalize_pmcid(article_id.text or "") or pmcid
        if not pmcid and len(articles) == 1 and len(requested) == 1:
            pmcid = requested[0]
        if pmcid:
            records.append((pmcid, article))
    return records


def _record_bytes(db: str, element: ET.Element) -> bytes:
    element.tail = None
    xml = ET.tostring(element, encoding="unicode")
    if db == "pubmed":
        xml = f"<PubmedArticleSet>\n{xml}\n</PubmedArticleSet>"
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{xml}\n'.encode()


# ---------------------------------------------------------------------------------------------- ids


def normalize_pmid(value: str) -> str:
    """``'12345'`` (also ``PMID:12345``) -> ``'12345'``; '' when not a PMID."""
    value = re.sub(r"^pmid:?\s*", "", value.strip(), flags=re.IGNORECASE)
    if not value.isdigit():
        return ""
    return value.lstrip("0")


def normalize_pmcid(value: str) -> str:
    """``'PMC123'``, ``'pmc123'`` or ``'123'`` -> ``'PMC123'``; '' when not a PMC id."""
    value = value.strip().upper()
    digits = value[3:] if value.startswith("PMC") else value
    return f"PMC{digits.lstrip('0')}" if digits.isdigit() and digits.lstrip("0") else ""


def parse_ids(text: str, kind: str = "pmid", source: str = "--pmids") -> list[str]:
    """Ids separated by commas, spaces or lines (``#`` starts a comment), normalized, duplicates dropped."""
    normalize = normalize_pmid if kind == "pmid" else normalize_pmcid
    ids: list[str] = []
    bad: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        for token in re.split(r"[\s,;]+", line.split("#", 1)[0]):
            if not token:
                continue
            value = normalize(token)
            if value:
                ids.append(value)
            else:
                bad.append(f"{token!r}" + (f" (line {number})" if "\n" in text else ""))
    if bad:
        what = "PMID" if kind == "pmid" else "PMCID"
        shown = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise FetchUsageError(f"{source}: not a {what}: {shown}")
    return list(dict.fromkeys(ids))


def read_id_file(path: Path, kind: str = "pmid") -> list[str]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise FetchUsageError(f"{path}: cannot read the id file: {getattr(exc, 'strerror', None) or exc}") from None
    return parse_ids(text, kind, str(path))


# ---------------------------------------------------------------------------------------------- files, manifest


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a hidden temporary file beside ``path``, then rename it over ``path``."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def record_file(db: str, record_id: str) -> str:
    """The file name of a record: ``pubmed_<PMID>.xml`` or ``pmc_PMC<n>.xml``."""
    return f"{db}_{record_id}.xml"


class Manifest:
    """``.fetch-manifest.json`` of an output folder: the records on disk and the fetches made into it."""

    def __init__(self, out_dir: Path, log: Log | None = None) -> None:
        self.out_dir = out_dir
        self.path = out_dir / MANIFEST_NAME
        self.data: dict[str, Any] = {}
        if self.path.is_file():
            try:
                self.data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                (log or print)(f"warning: {self.path}: unreadable manifest ({exc}); starting a new one")
                self.data = {}
        if self.data.get("format") != "evidence-fetch-manifest":
            self.data = {"format": "evidence-fetch-manifest", "version": 1, "created": _now()}
        self.data.setdefault("records", {})
        self.data.setdefault("jobs", {})

    @property
    def records(self) -> dict[str, dict[str, Any]]:
        return self.data["records"]

    @property
    def jobs(self) -> dict[str, dict[str, Any]]:
        return self.data["jobs"]

    def complete(self, db: str, record_id: str) -> bool:
        """The record's file is on disk and whole: as the manifest recorded it, or (a file written before the
        manifest was saved) XML holding that record, which is then recorded."""
        name = record_file(db, record_id)
        path = self.out_dir / name
        if not path.is_file():
            return False
        entry = self.records.get(f"{db}:{record_id}")
        data = path.read_bytes()
        if entry and entry.get("bytes") == len(data) and entry.get("sha256") == _sha256(data):
            return True
        try:
            root = parse_xml(decode_xml(data))
        except InputError:
            return False
        if db == "pubmed":
            found = [pmid for pmid, _ in _pubmed_records(root)]
        else:
            found = [pmcid for pmcid, _ in _pmc_records(_wrap(root) if root.tag == "article" else root, [])]
        if record_id not in found:
            return False
        written = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")
        self.add(db, record_id, data, "found on disk (written before the manifest was saved)", written)
        return True

    def add(self, db: str, record_id: str, data: bytes, source: str, fetched: str | None = None) -> str:
        """Record a record's file (written by the caller); returns its name."""
        name = record_file(db, record_id)
        self.records[f"{db}:{record_id}"] = {
            "db": db,
            "id": record_id,
            "file": name,
            "bytes": len(data),
            "sha256": _sha256(data),
            "fetched": fetched or _now(),
            "request": source,
        }
        return name

    def save(self) -> None:
        self.data["updated"] = _now()
        text = json.dumps(self.data, indent=1, ensure_ascii=False) + "\n"
        write_atomic(self.path, text.encode("utf-8"))


def _wrap(article: ET.Element) -> ET.Element:
    root = ET.Element("pmc-articleset")
    root.append(article)
    return root


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------------------------- fetching


@dataclass
class FetchResult:
    """What a fetch did. ``downloaded``: ids written now; ``on_disk``: ids already there (not requested);
    ``missing``: ids NCBI returned no record for."""

    kind: str
    db: str
    out_dir: Path
    requested: list[str]
    downloaded: list[str] = field(default_factory=list)
    on_disk: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    requests: int = 0
    query: str | None = None
    count: int | None = None
    error: str | None = None

    @property
    def manifest(self) -> Path:
        return self.out_dir / MANIFEST_NAME

    @property
    def complete(self) -> bool:
        return self.error is None


class _Job:
    """One fetch into a folder: keeps the manifest's job entry up to date, saving after every batch."""

    def __init__(self, manifest: Manifest, client: EutilsClient, result: FetchResult, key: str, log: Log) -> None:
        self.manifest = manifest
        self.client = client
        self.result = result
        self.log = log
        self.requests_before = client.requests
        job = manifest.jobs.setdefault(key, {"started": _now()})
        job.update(
            {
                "kind": result.kind,
                "db": result.db,
                "query": result.query,
                "base_url": client.base_url,
                "requested": result.requested,
                "complete": False,
                "finished": None,
            }
        )
        job.setdefault("runs", []).append({"started": _now(), "finished": None})
        self.entry = job
        self.run = job["runs"][-1]

    def present(self, ids: Iterable[str]) -> list[str]:
        """Those of ``ids`` whose file is complete on disk."""
        return [i for i in ids if self.manifest.complete(self.result.db, i)]

    def mark_on_disk(self, ids: Iterable[str]) -> None:
        for record_id in ids:
            self.result.on_disk.append(record_id)
            self.result.files.append(record_file(self.result.db, record_id))

    def store(self, root: ET.Element, expected: Sequence[str], request: str) -> None:
        """Write each record of a response to its file; ``expected`` ids without a record are missing."""
        db = self.result.db
        records = _pubmed_records(root) if db == "pubmed" else _pmc_records(root, expected)
        written = set()
        for record_id, element in records:
            if record_id in written:
                continue
            data = _record_bytes(db, element)
            name = self.manifest.add(db, record_id, data, request)
            write_atomic(self.manifest.out_dir / name, data)
            written.add(record_id)
            self.result.downloaded.append(record_id)
            self.result.files.append(name)
        missing = [i for i in expected if i not in written]
        self.result.missing.extend(missing)
        if missing:
            self.log(f"{request}: no record for {', '.join(missing)}")
        self.save()

    def save(self, error: str | None = None) -> None:
        result = self.result
        result.requests = self.client.requests - self.requests_before
        result.error = error
        self.entry.update(
            {
                "count": result.count,
                "fetched": sorted({*result.downloaded, *result.on_disk}, key=_id_order),
                "missing": result.missing,
                "files": sorted(set(result.files)),
                "updated": _now(),
            }
        )
        self.run.update(
            {
                "downloaded": len(result.downloaded),
                "already_on_disk": len(result.on_disk),
                "missing": len(result.missing),
                "requests": result.requests,
                "error": error,
            }
        )
        self.manifest.save()

    def finish(self) -> FetchResult:
        now = _now()
        self.run["finished"] = now
        self.entry.update({"complete": True, "finished": now})
        self.save()
        return self.result

    def fail(self, exc: FetchError) -> FetchError:
        self.save(str(exc))
        exc.result = self.result
        return exc


def _id_order(value: str) -> tuple[int, str]:
    digits = re.sub(r"\D", "", value)
    return (int(digits) if digits else 0, value)


def _chunks(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _span(ids: Sequence[str]) -> str:
    return ids[0] if len(ids) == 1 else f"{ids[0]}-{ids[-1]} ({len(ids)} ids)"


def _prepare(out_dir: Path, log: Log | None) -> tuple[Manifest, Log]:
    logger = log or (lambda message: None)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FetchUsageError(f"{out_dir}: cannot create the output folder: {exc.strerror or exc}") from None
    if not os.access(out_dir, os.W_OK):
        raise FetchUsageError(f"{out_dir}: the output folder is not writable")
    return Manifest(out_dir, logger), logger


def fetch_ids(
    ids: Sequence[str],
    out_dir: Path,
    client: EutilsClient,
    *,
    db: str = "pubmed",
    batch_size: int | None = None,
    max_records: int | None = None,
    log: Log | None = None,
) -> FetchResult:
    """Fetch PMIDs (``db="pubmed"``) or PMCIDs (``db="pmc"``) into ``out_dir``, skipping those on disk.

    Raises :class:`FetchError` (with ``result``: what is on disk) when a batch fails for good, and
    :class:`FetchUsageError` for invalid ids or an output folder that cannot be written."""
    if db not in _ROOTS:
        raise ValueError(f"unknown database {db!r}")
    kind = "pmid" if db == "pubmed" else "pmcid"
    normalize = normalize_pmid if db == "pubmed" else normalize_pmcid
    bad = [str(i) for i in ids if not normalize(str(i))]
    if bad:
        raise FetchUsageError(f"not a {kind.upper()}: {', '.join(repr(b) for b in bad[:5])}")
    clean = list(dict.fromkeys(normalize(str(i)) for i in ids))
    if not clean:
        raise FetchUsageError(f"no {kind.upper()}s to fetch")
    if max_records:
        clean = clean[:max_records]
    size = min(batch_size or (PUBMED_BATCH if db == "pubmed" else PMC_BATCH), PUBMED_BATCH)
    manifest, logger = _prepare(out_dir, log)
    result = FetchResult(f"{kind}s", db, out_dir, clean)
    key = f"{kind}s:{hashlib.sha1(','.join(clean).encode()).hexdigest()[:12]}"
    job = _Job(manifest, client, result, key, logger)
    present = set(job.present(clean))
    job.mark_on_disk(i for i in clean if i in present)
    todo = [i for i in clean if i not in present]
    if result.on_disk:
        logger(f"{len(result.on_disk)} of {len(clean)} records already in {out_dir}; not fetched again")
    for batch in _chunks(todo, size):
        what = f"efetch db={db} ids {_span(batch)}"
        numeric = [i[3:] for i in batch] if db == "pmc" else batch
        try:
            root = client.efetch_ids(db, numeric, what)
        except FetchError as exc:
            raise job.fail(exc) from None
        job.store(root, batch, what)
        logger(f"{what}: {len([i for i in batch if i not in result.missing])} records")
    return job.finish()


def fetch_pmids(ids: Sequence[str], out_dir: Path, client: EutilsClient, **kwargs: Any) -> FetchResult:
    """Fetch PubMed records (abstracts, PubMed XML) by PMID; see :func:`fetch_ids`."""
    return fetch_ids(ids, out_dir, client, db="pubmed", **kwargs)


def fetch_pmcids(ids: Sequence[str], out_dir: Path, client: EutilsClient, **kwargs: Any) -> FetchResult:
    """Fetch PMC full texts (JATS XML) by PMCID; see :func:`fetch_ids`."""
    return fetch_ids(ids, out_dir, client, db="pmc", **kwargs)


def fetch_query(
    query: str,
    out_dir: Path,
    client: EutilsClient,
    *,
    batch_size: int = PUBMED_BATCH,
    max_records: int | None = None,
    log: Log | None = None,
) -> FetchResult:
    """Search PubMed for ``query`` (history on) and fetch the first ``max_records`` matches (at most
    :data:`PUBMED_SEARCH_LIMIT`) page by page from the history into ``out_dir``. A page whose ids are all on
    disk is not requested."""
    query = query.strip()
    if not query:
        raise FetchUsageError("--query: empty query")
    size = max(1, min(batch_size, PUBMED_BATCH))
    limit = min(max_records or PUBMED_SEARCH_LIMIT, PUBMED_SEARCH_LIMIT)
    manifest, logger = _prepare(out_dir, log)
    result = FetchResult("query", "pubmed", out_dir, [], query=query)
    job = _Job(manifest, client, result, f"query:{query}", logger)
    try:
        search = client.esearch(query, retmax=limit)
    except FetchError as exc:
        raise job.fail(exc) from None
    for warning in search.warnings:
        logger(f"esearch: {warning}")
    total = min(search.count, limit)
    if search.count > limit and not max_records:
        logger(
            f"the query matches {search.count} records; NCBI serves the first {PUBMED_SEARCH_LIMIT} only "
            "(narrow the query, e.g. by publication date, to get the rest)"
        )
    result.count = search.count
    result.requested = search.ids[:total]
    job.entry.update(
        {
            "requested": result.requested,
            "query_translation": search.translation,
            "webenv": search.webenv,
            "query_key": search.query_key,
            "max": max_records,
        }
    )
    logger(f"esearch: {search.count} records match {query!r}; fetching {total}")
    for retstart in range(0, total, size):
        retmax = min(size, total - retstart)
        expected = search.ids[retstart : retstart + retmax]
        if expected and len(job.present(expected)) == len(expected):
            job.mark_on_disk(expected)
            continue
        what = f"efetch db=pubmed query history records {retstart + 1}-{retstart + retmax} of {total}"
        try:
            root = client.efetch_history("pubmed", search.webenv, search.query_key, retstart, retmax, what)
        except FetchError as exc:
            raise job.fail(exc) from None
        job.store(root, expected, what)
        logger(f"{what}: {len(_pubmed_records(root))} records")
    return job.finish()


# ---------------------------------------------------------------------------------------------- command line


def _bounded(cast: type, what: str, low: float, strict: bool, rule: str):
    """An argparse type: ``cast`` of the text, at least (``strict``: more than) ``low``."""

    def parse(text: str):
        try:
            value = cast(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not {what}: {text!r}") from None
        if value < low or (strict and value == low):
            raise argparse.ArgumentTypeError(f"must be {rule}: {text!r}")
        return value

    return parse


_positive_int = _bounded(int, "a whole number", 1, False, "1 or more")
_count = _bounded(int, "a whole number", 0, False, "0 or more")
_seconds = _bounded(float, "a number", 0, True, "positive")


def _add_source_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--pmids", metavar="ID,ID,...", help="PubMed ids, comma-separated (abstracts, PubMed XML)")
    source.add_argument("--pmid-file", type=Path, metavar="FILE", help="file of PMIDs (one per line, # comments)")
    source.add_argument("--pmcids", metavar="ID,ID,...", help="PMC ids, comma-separated (full texts, JATS XML)")
    source.add_argument("--pmcid-file", type=Path, metavar="FILE", help="file of PMCIDs (one per line)")
    source.add_argument("--query", metavar="QUERY", help="PubMed query; fetches its matches (see --max)")


def _add_client_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max", type=_positive_int, default=None, metavar="N", help="fetch at most N records")
    parser.add_argument(
        "--api-key",
        default=None,
        help="NCBI API key (default: $NCBI_API_KEY): 10 requests/s instead of 3",
    )
    parser.add_argument("--email", default=None, help="contact e-mail sent to NCBI (default: $NCBI_EMAIL)")
    parser.add_argument(
        "--base-url", default=DEFAULT_BASE_URL, help=f"E-utilities base URL (default: {DEFAULT_BASE_URL})"
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"seconds per request attempt (default: {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--retries",
        type=_count,
        default=DEFAULT_RETRIES,
        metavar="N",
        help=f"retries of a failed request, with exponential backoff (default: {DEFAULT_RETRIES})",
    )
    parser.add_argument(
        "--backoff",
        type=_seconds,
        default=DEFAULT_BACKOFF,
        metavar="S",
        help=f"wait before the first retry, doubled for each next one (default: {DEFAULT_BACKOFF:g})",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``evidence fetch``."""
    _add_source_arguments(parser)
    parser.add_argument(
        "--out",
        dest="fetch_dir",
        type=Path,
        default=DEFAULT_OUT_DIR,
        metavar="DIR",
        help="folder for the fetched files (default: corpus/fetched/)",
    )
    _add_client_arguments(parser)


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``evidence run``: those of ``fetch`` (the folder as ``--fetch-dir``) and of ``extract``."""
    _add_source_arguments(parser)
    parser.add_argument(
        "--fetch-dir",
        dest="fetch_dir",
        type=Path,
        default=DEFAULT_OUT_DIR,
        metavar="DIR",
        help="folder for the fetched files, then extracted (default: corpus/fetched/)",
    )
    _add_client_arguments(parser)
    from pipeline.cli import add_extract_options  # the same options as `evidence extract`

    add_extract_options(parser, out_help="output folder of the evidence tables (default: outputs/)")


FETCH_HELP = "fetch papers from NCBI (PubMed abstracts, PMC full texts)"
FETCH_DESCRIPTION = (
    "Fetch PubMed records (by PMID or query) or PMC full texts (by PMCID) from NCBI E-utilities into a folder "
    "(one XML file per record and .fetch-manifest.json); a re-run fetches only what is not on disk yet. "
    "At most 3 requests/s, 10 with an API key ($NCBI_API_KEY)."
)
RUN_HELP = "fetch papers from NCBI, then extract the evidence table from them"
RUN_DESCRIPTION = (
    "evidence fetch into --fetch-dir, then evidence extract of that folder into --out (same options as both)."
)


def add_subparsers(sub: Any) -> None:
    """Add ``fetch`` and ``run`` to the ``evidence`` subcommands (``sub``: from ``add_subparsers``)."""
    add_arguments(sub.add_parser("fetch", help=FETCH_HELP, description=FETCH_DESCRIPTION))
    add_run_arguments(sub.add_parser("run", help=RUN_HELP, description=RUN_DESCRIPTION))


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def client_from_args(args: argparse.Namespace, log: Log | None = None) -> EutilsClient:
    return EutilsClient(
        args.base_url,
        api_key=args.api_key or None,
        email=args.email or None,
        timeout=args.timeout,
        retries=args.retries,
        backoff=args.backoff,
        log=log,
    )


def fetch_from_args(args: argparse.Namespace, client: EutilsClient, log: Log | None = None) -> FetchResult:
    """Run the fetch the arguments ask for."""
    out = Path(args.fetch_dir)
    if args.query is not None:
        return fetch_query(args.query, out, client, max_records=args.max, log=log)
    if args.pmids is not None or args.pmid_file is not None:
        ids = parse_ids(args.pmids, "pmid") if args.pmids is not None else read_id_file(args.pmid_file, "pmid")
        db = "pubmed"
    else:
        ids = (
            parse_ids(args.pmcids, "pmcid", "--pmcids")
            if args.pmcids is not None
            else read_id_file(args.pmcid_file, "pmcid")
        )
        db = "pmc"
    if not ids:
        raise FetchUsageError("no ids to fetch")
    return fetch_ids(ids, out, client, db=db, max_records=args.max, log=log)


def _fetch_command(args: argparse.Namespace) -> tuple[int, FetchResult | None]:
    client = client_from_args(args, _stderr)
    try:
        result = fetch_from_args(args, client, _stderr)
    except FetchUsageError as exc:
        _stderr(f"error: {exc}")
        return EXIT_USAGE, None
    except FetchError as exc:
        _stderr(f"error: {exc}")
        partial = exc.result
        if partial is not None:
            on_disk = len(partial.downloaded) + len(partial.on_disk)
            _stderr(
                f"{on_disk} records are on disk in {partial.out_dir} ({len(partial.downloaded)} downloaded now); "
                "run the same command again to resume"
            )
        return EXIT_FETCH_FAILED, partial
    except OSError as exc:
        _stderr(f"error: cannot write the fetched files: {exc}")
        return EXIT_USAGE, None
    what = "PMC full texts" if result.db == "pmc" else "PubMed records"
    matched = f"{result.count} match {result.query!r}; " if result.query is not None else ""
    print(
        f"{matched}{len(result.downloaded) + len(result.on_disk)} {what} in {result.out_dir} "
        f"({len(result.downloaded)} downloaded, {len(result.on_disk)} already there, {len(result.missing)} missing; "
        f"{result.requests} requests); manifest {result.manifest}"
    )
    for record_id in result.missing[:20]:
        _stderr(f"warning: {result.db} {record_id}: NCBI returned no record")
    if len(result.missing) > 20:
        _stderr(f"warning: ... and {len(result.missing) - 20} more ids without a record (see the manifest)")
    if result.query is not None and result.count == 0:
        _stderr(f"warning: no PubMed record matches {result.query!r}")
        return EXIT_MISSING, result
    return (EXIT_MISSING if result.missing else EXIT_OK), result


def main_fetch(args: argparse.Namespace) -> int:
    """``evidence fetch``: exit codes in the module docstring."""
    return _fetch_command(args)[0]


def main_run(args: argparse.Namespace) -> int:
    """``evidence run``: fetch, then the extract flow on the fetch folder; exit codes in the module docstring."""
    code, _ = _fetch_command(args)
    if code in (EXIT_USAGE, EXIT_FETCH_FAILED):
        return code
    folder = Path(args.fetch_dir)
    if not folder.is_dir() or not any(is_input_name(p.name) for p in folder.iterdir() if not p.name.startswith(".")):
        _stderr(f"error: {folder}: no documents to extract")
        return EXIT_USAGE
    from pipeline.cli import run_extraction, tables_path

    report = run_extraction(args, [str(folder)])
    counts = report["counts"]
    print(
        f"{counts['documents']} documents ({counts['processed']} processed, {counts['cached']} unchanged), "
        f"{counts.get('claims_in_table', 0)} claims in {tables_path(Path(args.out))}; "
        f"{counts['failed']} failed"
    )
    for failure in report["failures"]:
        _stderr(f"error: {failure['path']}: {failure['problem']}")
    return EXIT_OK if report["ok"] and code == EXIT_OK else EXIT_MISSING


def main(args: argparse.Namespace) -> int:
    """Dispatch ``evidence fetch`` / ``evidence run`` (``args.command``)."""
    return main_run(args) if getattr(args, "command", "fetch") == "run" else main_fetch(args)
