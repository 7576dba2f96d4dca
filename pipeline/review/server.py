"""``evidence review``: a local web page in which a curator accepts, rejects and edits the evidence table.

The server (standard library only) binds to 127.0.0.1 by default and serves one page over an output folder of
``evidence extract``; decisions go to a SQLite database (:mod:`pipeline.review.decisions`), default
``<out>/review.sqlite``.

Security: the page's script renders all document text with ``textContent`` and the server escapes every text it
puts into HTML; the Content-Security-Policy allows only the page's own script and style. Requests that change
state are ``POST`` with a JSON body, a per-server random CSRF token (embedded in the page, sent back in the
``X-CSRF-Token`` header) and, when the browser sends them, an ``Origin`` and ``Sec-Fetch-Site`` of this server; the
``Host`` header of every request must name this server (against DNS rebinding). Other methods are refused (405).
"""

from __future__ import annotations

import argparse
import hmac
import ipaddress
import json
import os
import secrets
import socket
import sys
import threading
import webbrowser
from dataclasses import dataclass, field
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from pipeline import paths
from pipeline.kb import KnowledgeBase, load_kb
from pipeline.review.data import (
    EDITABLE,
    FACETS,
    REVIEW_STATUSES,
    EditError,
    OutputFolder,
    Query,
    ReviewData,
    ViewRow,
    apply_edits,
    build_view,
    extracted_values,
    normalize_edits,
    row_json,
    table_file,
    vocabulary,
)
from pipeline.review.decisions import STATUSES, Decision, DecisionStore
from pipeline.review.docview import render_document
from pipeline.review.export import export_reviewed
from pipeline.schema import EVIDENCE

__all__ = ["ReviewApp", "ReviewServer", "add_arguments", "export_reviewed", "main", "make_server"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_FILES = {
    "/static/review.js": ("review.js", "text/javascript; charset=utf-8"),
    "/static/review.css": ("review.css", "text/css; charset=utf-8"),
}
DOWNLOADS = {
    "/download/reviewed.csv": ("reviewed.csv", "text/csv; charset=utf-8"),
    "/download/reviewed.parquet": ("reviewed.parquet", "application/vnd.apache.parquet"),
}
GET_ROUTES = {"/", "/index.html", "/api/claims", "/api/vocab", "/api/log", "/doc", *STATIC_FILES, *DOWNLOADS}
POST_ROUTES = {"/api/decision", "/api/export"}
MAX_BODY = 1_000_000
MAX_COMMENT = 10_000
DEFAULT_PORT = 8765
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


class HTTPError(Exception):
    def __init__(self, status: HTTPStatus, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass
class ReviewApp:
    """Everything a request needs: the output folder, the decisions, the KB, the reviewer and the CSRF token."""

    out_dir: Path
    db_path: Path
    reviewer: str = ""
    export_dir: Path | None = None
    kb: KnowledgeBase = field(default_factory=load_kb)
    csrf_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    def __post_init__(self) -> None:
        self.out_dir = Path(self.out_dir)
        self.db_path = Path(self.db_path)
        self.export_dir = Path(self.export_dir) if self.export_dir else self.out_dir
        self.folder = OutputFolder(self.out_dir)
        self.store = DecisionStore(self.db_path)
        self._vocab: dict | None = None

    # ------------------------------------------------------------------------------------------ reads

    def view(self) -> tuple[ReviewData, list[ViewRow], dict[str, Decision]]:
        data = self.folder.load()
        decisions = self.store.all()
        return data, build_view(data, decisions, self.kb), decisions

    def claims(self, params: dict[str, list[str]]) -> dict:
        try:
            query = Query.from_params(params)
        except ValueError as exc:
            raise HTTPError(HTTPStatus.BAD_REQUEST, str(exc)) from None
        data, view, decisions = self.view()
        page, matching, facets = query.run(view)
        orphans = [d for d in decisions.values() if d.claim_id not in data.by_id]
        counts = {status: 0 for status in REVIEW_STATUSES}
        for item in view:
            counts[item.status] += 1
        return {
            "total": len(view),
            "matching": matching,
            "offset": query.offset,
            "rows": [row_json(item, data) for item in page],
            "facets": {name: [[value, count] for value, count in facets[name]] for name in FACETS},
            "summary": {
                **counts,
                "orphaned": len(orphans),
                "changed": sum(1 for item in view if item.changed),
            },
            "orphans": [
                {**d.to_json(), "orphaned": True}
                for d in sorted(orphans, key=lambda d: (d.doc_id, d.decided_at, d.claim_id))
            ],
            "evidence_file": data.evidence_file.name if data.evidence_file else "",
        }

    def vocab(self) -> dict:
        if self._vocab is None:
            self._vocab = {"fields": vocabulary(self.kb), "order": list(EDITABLE)}
        return self._vocab

    def log(self, params: dict[str, list[str]]) -> dict:
        claim_id = (params.get("claim_id") or [None])[0]
        return {
            "log": [
                {
                    "id": e.id,
                    "claim_id": e.claim_id,
                    "status": e.status,
                    "edits": e.edits,
                    "comment": e.comment,
                    "reviewer": e.reviewer,
                    "decided_at": e.decided_at,
                    "previous": e.previous,
                }
                for e in self.store.log(claim_id)
            ]
        }

    def document(self, params: dict[str, list[str]]) -> str:
        doc_id = (params.get("id") or [""])[0]
        data = self.folder.load()
        page = render_document(self.folder, data, doc_id, self.store.all())
        if page is None:
            raise HTTPError(HTTPStatus.NOT_FOUND, f"no claim of document {doc_id!r} in the evidence table")
        return page

    def index(self) -> str:
        template = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
        values = {
            "csrf_token": self.csrf_token,
            "out_dir": str(self.out_dir),
            "db_path": str(self.db_path),
            "reviewer": self.reviewer or "(anonymous)",
        }
        for key, value in values.items():
            template = template.replace("{{" + key + "}}", escape(value, quote=True))
        return template

    # ------------------------------------------------------------------------------------------ writes

    def decide(self, body: dict) -> dict:
        claim_id = body.get("claim_id")
        status = body.get("status")
        comment = body.get("comment", "")
        raw_edits = body.get("edits") or {}
        if not isinstance(claim_id, str) or not claim_id:
            raise HTTPError(HTTPStatus.BAD_REQUEST, "claim_id is required")
        if status not in STATUSES:
            raise HTTPError(HTTPStatus.BAD_REQUEST, f"status must be one of {', '.join(STATUSES)}")
        if not isinstance(comment, str) or len(comment) > MAX_COMMENT:
            raise HTTPError(HTTPStatus.BAD_REQUEST, f"comment must be a string of at most {MAX_COMMENT} characters")
        data = self.folder.load()
        row = data.by_id.get(claim_id)
        if row is None:
            raise HTTPError(HTTPStatus.NOT_FOUND, f"claim {claim_id} is not in the evidence table")
        try:
            edits = normalize_edits(row, raw_edits, self.kb)
        except EditError as exc:
            raise HTTPError(HTTPStatus.BAD_REQUEST, str(exc)) from None
        if status == "edited" and not edits:
            status = "accepted"  # every edited value equals the extracted one: the row is accepted as it is
        elif status != "edited" and edits:
            raise HTTPError(HTTPStatus.BAD_REQUEST, f"a decision '{status}' carries no edits; use status 'edited'")
        decision = self.store.decide(
            claim_id,
            status,
            edits,
            comment.strip(),
            self.reviewer,
            sentence=row["sentence"],
            doc_id=row["doc_id"],
            extracted=extracted_values(row),
        )
        effective = apply_edits(row, decision.edits, self.kb) if decision.edits else row
        return {"row": row_json(ViewRow(row, effective, decision, []), data)}

    def export(self) -> dict:
        assert self.export_dir is not None
        written = export_reviewed(self.out_dir, self.db_path, self.export_dir, kb=self.kb)
        data = self.folder.load()
        decisions = self.store.all()
        exported = sum(1 for d in decisions.values() if d.claim_id in data.by_id and d.status != "rejected")
        return {
            "files": [str(p) for p in written],
            "rows": exported,
            "orphaned": sum(1 for d in decisions.values() if d.claim_id not in data.by_id),
            "downloads": [route for route, (name, _) in DOWNLOADS.items() if any(p.name == name for p in written)],
        }


class ReviewHandler(BaseHTTPRequestHandler):
    server: ReviewServer
    server_version = "evidence-review"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    # -------------------------------------------------------------------------------------- plumbing

    @property
    def app(self) -> ReviewApp:
        return self.server.app

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.send_header("Cache-Control", "no-store")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, data: Any, status: HTTPStatus = HTTPStatus.OK, headers: dict[str, str] | None = None) -> None:
        self._send(status, json_bytes(data), "application/json; charset=utf-8", headers)

    def _error(self, error: HTTPError) -> None:
        self.close_connection = True  # a request body may be left unread: never reuse the connection
        self._json({"error": error.message}, error.status, error.headers)

    def _check_host(self) -> None:
        host = self.headers.get("Host", "")
        if not self.server.host_allowed(host):
            raise HTTPError(HTTPStatus.FORBIDDEN, "unexpected Host header")

    def _route(self) -> tuple[str, dict[str, list[str]]]:
        parts = urlsplit(self.path)
        return parts.path, parse_qs(parts.query, keep_blank_values=True)

    # -------------------------------------------------------------------------------------- methods

    def do_GET(self) -> None:
        try:
            self._check_host()
            path, params = self._route()
            if path in POST_ROUTES:
                raise HTTPError(HTTPStatus.METHOD_NOT_ALLOWED, "use POST", {"Allow": "POST"})
            if path in ("/", "/index.html"):
                self._send(HTTPStatus.OK, self.app.index().encode("utf-8"), "text/html; charset=utf-8")
            elif path in STATIC_FILES:
                name, content_type = STATIC_FILES[path]
                self._send(HTTPStatus.OK, (STATIC_DIR / name).read_bytes(), content_type)
            elif path == "/api/claims":
                self._json(self.app.claims(params))
            elif path == "/api/vocab":
                self._json(self.app.vocab())
            elif path == "/api/log":
                self._json(self.app.log(params))
            elif path == "/doc":
                self._send(HTTPStatus.OK, self.app.document(params).encode("utf-8"), "text/html; charset=utf-8")
            elif path in DOWNLOADS:
                name, content_type = DOWNLOADS[path]
                assert self.app.export_dir is not None
                file = self.app.export_dir / name
                if not file.is_file():
                    raise HTTPError(HTTPStatus.NOT_FOUND, "not exported yet: press Export first")
                self._send(
                    HTTPStatus.OK,
                    file.read_bytes(),
                    content_type,
                    {"Content-Disposition": f'attachment; filename="{name}"'},
                )
            else:
                raise HTTPError(HTTPStatus.NOT_FOUND, "not found")
        except HTTPError as exc:
            self._error(exc)
        except Exception as exc:  # report, keep serving
            self._error(HTTPError(HTTPStatus.INTERNAL_SERVER_ERROR, f"{type(exc).__name__}: {exc}"))

    def do_POST(self) -> None:
        try:
            self._check_host()
            path, _ = self._route()
            if path in GET_ROUTES:
                raise HTTPError(HTTPStatus.METHOD_NOT_ALLOWED, "use GET", {"Allow": "GET"})
            if path not in POST_ROUTES:
                raise HTTPError(HTTPStatus.NOT_FOUND, "not found")
            self._check_origin()
            token = self.headers.get("X-CSRF-Token", "")
            if not token or not hmac.compare_digest(token.encode(), self.app.csrf_token.encode()):
                raise HTTPError(HTTPStatus.FORBIDDEN, "missing or wrong CSRF token: reload the page")
            body = self._read_json()
            if path == "/api/decision":
                self._json(self.app.decide(body))
            else:
                self._json(self.app.export())
        except HTTPError as exc:
            self._error(exc)
        except Exception as exc:
            self._error(HTTPError(HTTPStatus.INTERNAL_SERVER_ERROR, f"{type(exc).__name__}: {exc}"))

    def _refuse(self) -> None:
        allow = "POST" if self._route()[0] in POST_ROUTES else "GET"
        self._error(HTTPError(HTTPStatus.METHOD_NOT_ALLOWED, f"method {self.command} not allowed", {"Allow": allow}))

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = do_TRACE = do_CONNECT = _refuse

    def _check_origin(self) -> None:
        origin = self.headers.get("Origin")
        if origin is not None:
            parts = urlsplit(origin)
            if parts.scheme != "http" or not self.server.host_allowed(parts.netloc):
                raise HTTPError(HTTPStatus.FORBIDDEN, "cross-origin request refused")
            if parts.netloc.lower() != self.headers.get("Host", "").lower():
                raise HTTPError(HTTPStatus.FORBIDDEN, "Origin does not match Host")
        site = self.headers.get("Sec-Fetch-Site")
        if site is not None and site not in ("same-origin", "none"):
            raise HTTPError(HTTPStatus.FORBIDDEN, "cross-site request refused")

    def _read_json(self) -> dict:
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            raise HTTPError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send a JSON body (Content-Type: application/json)")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise HTTPError(HTTPStatus.LENGTH_REQUIRED, "Content-Length required") from None
        if length < 0 or length > MAX_BODY:
            raise HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "body too large")
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw.decode("utf-8") or "{}")
        except (UnicodeDecodeError, ValueError):
            raise HTTPError(HTTPStatus.BAD_REQUEST, "body is not valid JSON") from None
        if not isinstance(body, dict):
            raise HTTPError(HTTPStatus.BAD_REQUEST, "body must be a JSON object")
        return body


def json_bytes(data: Any) -> bytes:
    """JSON with ``<``, ``>`` and ``&`` escaped (``\\u003c``...), so no JSON text can ever be read as markup."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode("utf-8")


class ReviewServer(ThreadingHTTPServer):
    """The HTTP server of one review session; :meth:`start` runs it in a background thread (tests)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, app: ReviewApp, host: str = "127.0.0.1", port: int = DEFAULT_PORT, verbose: bool = False
    ) -> None:
        self.app = app
        self.verbose = verbose
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), ReviewHandler)
        self.host = host
        self.port = self.server_address[1]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = self.host
        if host in ("0.0.0.0", "::", ""):
            host = "127.0.0.1"
        return f"http://[{host}]:{self.port}/" if ":" in host else f"http://{host}:{self.port}/"

    def host_allowed(self, value: str) -> bool:
        """Whether a Host (or Origin authority) names this server: a loopback name or the bound address."""
        value = value.strip().lower()
        if not value:
            return False
        if value.startswith("["):
            name, _, port = value[1:].partition("]")
            port = port[1:] if port.startswith(":") else ""
        else:
            name, _, port = value.rpartition(":") if ":" in value else (value, "", "")
        if (port or "80") != str(self.port):
            return False
        if name in ("localhost", "127.0.0.1", "::1", self.host.lower()):
            return True
        if self.host in ("0.0.0.0", "::"):  # bound to every interface: any IP literal (never a DNS name)
            try:
                ipaddress.ip_address(name)
                return True
            except ValueError:
                return False
        return False

    def start(self) -> str:
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, name="evidence-review", daemon=True
        )
        self._thread.start()
        return self.url

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def make_server(
    out_dir: Path,
    db_path: Path | None = None,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    reviewer: str | None = None,
    export_dir: Path | None = None,
    kb: KnowledgeBase | None = None,
    verbose: bool = False,
) -> ReviewServer:
    """A review server over ``out_dir`` (port 0: any free port); decisions in ``db_path`` (default
    ``<out_dir>/review.sqlite``); the reviewer defaults to ``$USER``."""
    out_dir = Path(out_dir)
    app = ReviewApp(
        out_dir=out_dir,
        db_path=Path(db_path) if db_path else out_dir / "review.sqlite",
        reviewer=default_reviewer() if reviewer is None else reviewer,
        export_dir=export_dir,
        kb=kb or load_kb(),
    )
    return ReviewServer(app, host, port, verbose=verbose)


def default_reviewer() -> str:
    return os.environ.get("USER") or os.environ.get("LOGNAME") or os.environ.get("USERNAME") or ""


# ------------------------------------------------------------------------------------------------ CLI


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The options of ``evidence review``."""
    parser.add_argument(
        "--out", type=Path, default=paths.OUTPUTS_DIR, help="output folder of `evidence extract` (default: outputs/)"
    )
    parser.add_argument(
        "--db", type=Path, default=None, help="decisions database (default: <out>/review.sqlite; created if absent)"
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT}; 0 = any free port)"
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)"
    )
    parser.add_argument("--reviewer", default=None, help="your name in the decisions (default: $USER)")
    parser.add_argument("--no-browser", action="store_true", help="do not open the page in a web browser")
    return parser


def main(args: argparse.Namespace) -> int:
    """Serve the review page until interrupted (Ctrl-C). Exit status 2 when the folder has no evidence table."""
    out_dir = Path(args.out)
    if table_file(out_dir, EVIDENCE) is None:
        print(f"error: no evidence table (evidence.jsonl/.parquet/.csv) in {out_dir}", file=sys.stderr)
        return 2
    try:
        server = make_server(
            out_dir,
            db_path=args.db,
            host=args.host,
            port=args.port,
            reviewer=args.reviewer,
        )
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    app = server.app
    rows = len(app.folder.load().rows)
    print(f"reviewing {rows} claims in {out_dir}; decisions in {app.db_path} (reviewer: {app.reviewer or '-'})")
    print(f"open {server.url}  (Ctrl-C to stop)", flush=True)
    if not args.no_browser:
        threading.Timer(0.3, webbrowser.open, args=(server.url,)).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped")
    finally:
        server.server_close()
    return 0


def build_parser() -> argparse.ArgumentParser:
    return add_arguments(
        argparse.ArgumentParser(
            prog="evidence review", description="Review the evidence table in a local web page: accept, reject, edit."
        )
    )
