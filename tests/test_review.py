"""``evidence review``: the decisions store, the HTTP API through a real server, escaping, and the export.

The output folder is built from small hand-written rows validated against ``pipeline.schema`` (no NLP).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pipeline.documents import read_document
from pipeline.outputs import write_json, write_table
from pipeline.review.data import OutputFolder
from pipeline.review.decisions import STATUSES, DecisionStore
from pipeline.review.export import REVIEWED, export_reviewed
from pipeline.review.server import ReviewServer, add_arguments, main, make_server
from pipeline.schema import EVIDENCE, MENTIONS, SchemaError, validate

# ------------------------------------------------------------------------------------------------ fixtures

SCRIPT = "<script>alert('x')</script>"
DOC_A = [
    "Bone marrow MSCs reduced serum creatinine in rats with cisplatin injury.",
    f"{SCRIPT} Exosomes did not improve survival [3].",
]
DOC_B = [
    "Adipose MSCs may protect tubular cells.",
    "Umbilical cord MSC infusion was safe in patients.",
]


def evidence_row(claim_id: str, doc_id: str, index: int, start: int, sentence: str, **values: Any) -> dict:
    """A full evidence row: empty lists and defaults, then ``values``."""
    row: dict[str, Any] = {}
    for col in EVIDENCE.columns:
        if col.kind.startswith("list"):
            row[col.name] = []
        else:
            row[col.name] = {"str": "", "int": 0, "float": 0.0, "bool": False}[col.kind]
    row.update(
        claim_id=claim_id,
        doc_id=doc_id,
        section="abstract",
        sentence_index=index,
        char_start=start,
        char_end=start + len(sentence),
        sentence=sentence,
        claim_type="finding",
        study_type="in_vivo",
        effect_direction="unclear",
        confidence=0.5,
    )
    row.update(values)
    return row


def mention(row: dict, text: str, category: str, canonical: str, ontology_id: str = "") -> dict:
    offset = row["sentence"].index(text)
    return {
        "doc_id": row["doc_id"],
        "sentence_index": row["sentence_index"],
        "claim_id": row["claim_id"],
        "char_start": row["char_start"] + offset,
        "char_end": row["char_start"] + offset + len(text),
        "text": text,
        "category": category,
        "concept_id": f"{category}:{canonical}",
        "canonical_name": canonical,
        "ontology_id": ontology_id,
        "method": "dictionary",
        "score": 1.0,
    }


def sample_rows() -> tuple[list[dict], list[dict]]:
    a0 = evidence_row(
        "c1",
        "docA",
        0,
        0,
        DOC_A[0],
        species=["rat"],
        species_ids=["NCBITaxon:10116"],
        cell_source=["bone marrow"],
        cell_source_ids=["UBERON:0002371"],
        cell_product=["msc"],
        cell_product_ids=["CL:0000134"],
        injury_model=["cisplatin"],
        injury_model_ids=["MESH:D002945"],
        outcomes=["serum creatinine"],
        outcomes_ids=["MESH:D003404"],
        outcome_effects=["serum creatinine:beneficial"],
        effect_direction="beneficial",
        confidence=0.9,
        doc_title="MSCs in cisplatin AKI",
    )
    a1 = evidence_row(
        "c2",
        "docA",
        1,
        len(DOC_A[0]) + 1,
        DOC_A[1],
        species=["rat"],
        species_ids=["NCBITaxon:10116"],
        cell_product=["exosomes"],
        cell_product_ids=[""],
        injury_model=["cisplatin"],
        injury_model_ids=["MESH:D002945"],
        outcomes=["survival"],
        outcomes_ids=[""],
        effect_direction="no_effect",
        negated=True,
        inherited=["species", "injury_model"],
        citations=[3],
        cited_references=["3: Fenwick 2015"],
        confidence=0.55,
        doc_title="MSCs in cisplatin AKI",
    )
    b0 = evidence_row(
        "c3",
        "docB",
        0,
        0,
        DOC_B[0],
        claim_type="hypothesis",
        study_type="review_statement",
        cell_source=["adipose tissue"],
        cell_source_ids=["UBERON:0001013"],
        cell_product=["msc"],
        cell_product_ids=["CL:0000134"],
        hedged=True,
        confidence=0.7,
    )
    b1 = evidence_row(
        "c4",
        "docB",
        1,
        len(DOC_B[0]) + 1,
        DOC_B[1],
        study_type="clinical",
        species=["human"],
        species_ids=["NCBITaxon:9606"],
        cell_source=["umbilical cord"],
        cell_source_ids=["UBERON:0002331"],
        cell_product=["msc"],
        cell_product_ids=["CL:0000134"],
        route=["intravenous"],
        outcomes=["adverse events"],
        outcomes_ids=[""],
        effect_direction="beneficial",
        confidence=0.8,
    )
    mentions = [
        mention(a0, "Bone marrow MSCs", "cell_product", "msc", "CL:0000134"),
        mention(a0, "Bone marrow MSCs", "cell_source", "bone marrow", "UBERON:0002371"),
        mention(a0, "serum creatinine", "outcome", "serum creatinine", "MESH:D003404"),
        mention(a0, "rats", "species", "rat", "NCBITaxon:10116"),
        mention(a0, "cisplatin", "injury_model", "cisplatin", "MESH:D002945"),
        mention(a1, "Exosomes", "cell_product", "exosomes"),
        mention(a1, "survival", "outcome", "survival"),
        mention(b0, "Adipose MSCs", "cell_source", "adipose tissue", "UBERON:0001013"),
        mention(b0, "tubular cells", "Cell", ""),
        mention(b1, "Umbilical cord MSC", "cell_source", "umbilical cord", "UBERON:0002331"),
        mention(b1, "patients", "species", "human", "NCBITaxon:9606"),
    ]
    return [a0, a1, b0, b1], mentions


def write_outputs(out_dir: Path, rows: list[dict], mentions: list[dict]) -> None:
    """Evidence and mentions as an extraction writes them (CSV: lists ;-joined), validated against the schema."""
    write_table(pd.DataFrame(rows, columns=EVIDENCE.names), EVIDENCE, out_dir, formats=("csv",))
    write_table(pd.DataFrame(mentions, columns=MENTIONS.names), MENTIONS, out_dir, formats=("csv",))


def build_outputs(base: Path) -> Path:
    """An output folder: docA's source file is named by a run report (document view with the whole text); docB
    has no source (the document view falls back to the sentences)."""
    out = base / "out<x>"
    source = base / "docA.txt"
    source.write_text(" ".join(DOC_A) + "\n", encoding="utf-8")
    rows, mentions = sample_rows()
    write_outputs(out, rows, mentions)
    doc = read_document(source)
    write_json(
        out / "run_report.json",
        {
            "run_id": "test",
            "started": "2026-01-01T00:00:00+00:00",
            "inputs": [{"path": str(source), "doc_id": "docA", "content_hash": doc.content_hash}],
        },
    )
    return out


def rerun(out: Path, drop: str, change: str) -> None:
    """A re-run of the extraction: claim ``drop`` is gone; claim ``change`` comes back with another direction."""
    rows, mentions = sample_rows()
    rows = [r for r in rows if r["claim_id"] != drop]
    for r in rows:
        if r["claim_id"] == change:
            r["effect_direction"] = "mixed"
    write_outputs(out, rows, [m for m in mentions if m["claim_id"] != drop])


@pytest.fixture
def outputs(tmp_path: Path) -> Path:
    return build_outputs(tmp_path)


@pytest.fixture
def server(outputs: Path) -> Iterator[ReviewServer]:
    srv = make_server(outputs, port=0, reviewer="curator1")
    srv.start()
    yield srv
    srv.stop()


def request(
    server: ReviewServer,
    path: str,
    method: str = "GET",
    body: Any = None,
    token: str | None = "auto",
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(server.url.rstrip("/") + path, data=data, method=method)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    if token == "auto":
        token = server.app.csrf_token
    if token:
        req.add_header("X-CSRF-Token", token)
    for key, value in (headers or {}).items():
        req.add_header(key, value)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def claims(server: ReviewServer, query: str = "") -> dict:
    status, _, body = request(server, "/api/claims" + query)
    assert status == 200, body
    return json.loads(body)


def ids(data: dict) -> list[str]:
    return [r["claim_id"] for r in data["rows"]]


def decide(server: ReviewServer, claim_id: str, status: str, edits: dict | None = None, comment: str = "") -> dict:
    body = {"claim_id": claim_id, "status": status, "edits": edits or {}, "comment": comment}
    code, _, raw = request(server, "/api/decision", "POST", body)
    assert code == 200, raw
    return json.loads(raw)["row"]


def test_fixture_rows_match_the_schema() -> None:
    rows, mentions = sample_rows()
    validate(pd.DataFrame(rows), EVIDENCE)
    validate(pd.DataFrame(mentions), MENTIONS)


# ------------------------------------------------------------------------------------------------ the store

CONTRACT = {
    "decisions": [
        # (name, type, notnull, default, pk)
        ("claim_id", "TEXT", 0, None, 1),
        ("status", "TEXT", 1, None, 0),
        ("edits", "TEXT", 1, "'{}'", 0),
        ("comment", "TEXT", 1, "''", 0),
        ("reviewer", "TEXT", 1, "''", 0),
        ("decided_at", "TEXT", 1, None, 0),
    ],
    "decision_log": [
        ("id", "INTEGER", 0, None, 1),
        ("claim_id", "TEXT", 1, None, 0),
        ("status", "TEXT", 1, None, 0),
        ("edits", "TEXT", 1, None, 0),
        ("comment", "TEXT", 1, None, 0),
        ("reviewer", "TEXT", 1, None, 0),
        ("decided_at", "TEXT", 1, None, 0),
        ("previous", "TEXT", 0, None, 0),
    ],
}


def test_store_has_the_contract_tables(tmp_path: Path) -> None:
    db = tmp_path / "review.sqlite"
    DecisionStore(db)
    conn = sqlite3.connect(db)
    for table, columns in CONTRACT.items():
        info = [(r[1], r[2], r[3], r[4], r[5]) for r in conn.execute(f"PRAGMA table_info({table})")]
        assert info[: len(columns)] == columns, table
    extra = [r[1] for r in conn.execute("PRAGMA table_info(decisions)")][6:]
    assert extra == ["sentence", "doc_id", "extracted"]
    log_sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'decision_log'").fetchone()[0]
    assert "AUTOINCREMENT" in log_sql
    with pytest.raises(sqlite3.IntegrityError):  # the CHECK constraint
        conn.execute("INSERT INTO decisions (claim_id, status, decided_at) VALUES ('x', 'maybe', 'now')")
    conn.execute("INSERT INTO decisions (claim_id, status, decided_at) VALUES ('y', 'accepted', 'now')")
    assert conn.execute("SELECT edits, comment, reviewer FROM decisions WHERE claim_id = 'y'").fetchone() == (
        "{}",
        "",
        "",
    )
    assert STATUSES == ("accepted", "rejected", "edited")


def test_store_opens_a_database_made_from_the_bare_contract(tmp_path: Path) -> None:
    db = tmp_path / "bare.sqlite"
    conn = sqlite3.connect(db)
    conn.executescript(
        "CREATE TABLE decisions (claim_id TEXT PRIMARY KEY, status TEXT NOT NULL CHECK (status IN "
        "('accepted','rejected','edited')), edits TEXT NOT NULL DEFAULT '{}', comment TEXT NOT NULL DEFAULT '', "
        "reviewer TEXT NOT NULL DEFAULT '', decided_at TEXT NOT NULL);"
        "CREATE TABLE decision_log (id INTEGER PRIMARY KEY AUTOINCREMENT, claim_id TEXT NOT NULL, status TEXT NOT "
        "NULL, edits TEXT NOT NULL, comment TEXT NOT NULL, reviewer TEXT NOT NULL, decided_at TEXT NOT NULL, "
        "previous TEXT);"
        "INSERT INTO decisions VALUES ('c1', 'edited', '{\"species\": \"mouse\"}', 'ok', 'ann', '2026-01-01T00:00Z');"
    )
    conn.commit()
    conn.close()
    store = DecisionStore(db)
    decision = store.get("c1")
    assert decision is not None
    assert (decision.status, decision.edits, decision.comment, decision.reviewer) == (
        "edited",
        {"species": "mouse"},
        "ok",
        "ann",
    )
    assert decision.sentence == "" and decision.extracted == {}


def test_store_logs_every_change_with_the_previous_row(tmp_path: Path) -> None:
    store = DecisionStore(tmp_path / "review.sqlite")
    first = store.decide("c1", "accepted", comment="fine", reviewer="ann", sentence="S.", doc_id="d")
    second = store.decide("c1", "edited", {"species": "mouse"}, "mouse, not rat", "bob")
    assert store.get("c1") == second
    assert second.sentence == "S." and second.doc_id == "d"  # kept when the caller does not give them again
    log = store.log("c1")
    assert [(e.status, e.reviewer, e.edits, e.comment) for e in log] == [
        ("accepted", "ann", {}, "fine"),
        ("edited", "bob", {"species": "mouse"}, "mouse, not rat"),
    ]
    assert log[0].previous is None
    assert log[1].previous is not None
    assert log[1].previous["status"] == "accepted" and log[1].previous["comment"] == "fine"
    assert log[1].previous["decided_at"] == first.decided_at
    when = datetime.fromisoformat(second.decided_at)
    assert when.utcoffset() == timedelta(0)
    raw = sqlite3.connect(tmp_path / "review.sqlite").execute("SELECT edits FROM decisions").fetchone()[0]
    assert json.loads(raw) == {"species": "mouse"}


def test_store_refuses_inconsistent_decisions(tmp_path: Path) -> None:
    store = DecisionStore(tmp_path / "review.sqlite")
    with pytest.raises(ValueError, match="status"):
        store.decide("c1", "maybe")
    with pytest.raises(ValueError, match="at least one edit"):
        store.decide("c1", "edited", {})
    with pytest.raises(ValueError, match="no edits"):
        store.decide("c1", "accepted", {"species": "mouse"})
    assert store.all() == {} and store.log() == []


def test_decisions_survive_a_rerun_and_orphans_are_kept(outputs: Path, server: ReviewServer) -> None:
    decide(server, "c2", "rejected", comment="not a finding")
    decide(server, "c3", "accepted")
    decide(server, "c4", "edited", {"effect_direction": "no_effect"})
    rerun(outputs, drop="c2", change="c3")

    data = claims(server)
    by_id = {r["claim_id"]: r for r in data["rows"]}
    assert set(by_id) == {"c1", "c3", "c4"}
    assert by_id["c3"]["status"] == "accepted" and by_id["c3"]["changed"] == ["effect_direction"]
    assert by_id["c3"]["values"]["effect_direction"] == "mixed"
    assert by_id["c4"]["status"] == "edited" and by_id["c4"]["values"]["effect_direction"] == "no_effect"
    assert by_id["c4"]["changed"] == []
    assert data["summary"]["orphaned"] == 1 and data["summary"]["changed"] == 1
    [orphan] = data["orphans"]
    assert orphan["claim_id"] == "c2" and orphan["orphaned"] is True
    assert orphan["status"] == "rejected" and orphan["comment"] == "not a finding"
    assert orphan["sentence"] == DOC_A[1] and orphan["doc_id"] == "docA"
    # never deleted from the database
    store = DecisionStore(outputs / "review.sqlite")
    assert set(store.all()) == {"c2", "c3", "c4"}
    assert [d.claim_id for d in store.orphans(r["claim_id"] for r in data["rows"])] == ["c2"]
    assert ids(claims(server, "?changed=1")) == ["c3"]

    # the claim comes back in a later run: its decision is there again
    rows, mentions = sample_rows()
    write_outputs(outputs, rows, mentions)
    data = claims(server)
    assert {r["claim_id"]: r["status"] for r in data["rows"]}["c2"] == "rejected"
    assert data["orphans"] == []


# ------------------------------------------------------------------------------------------------ the HTTP API


def test_page_carries_a_token_and_escapes_what_it_shows(server: ReviewServer, outputs: Path) -> None:
    status, headers, body = request(server, "/")
    html = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert f'<meta name="csrf-token" content="{server.app.csrf_token}">' in html
    assert "out&lt;x&gt;" in html and "out<x>" not in html  # the folder name is escaped
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert request(server, "/static/review.js")[0] == 200
    assert request(server, "/static/../server.py")[0] == 404
    assert request(server, "/nothing")[0] == 404


def test_claims_sorted_by_confidence_and_filtered(server: ReviewServer) -> None:
    data = claims(server)
    assert ids(data) == ["c2", "c3", "c4", "c1"]  # doubtful first
    assert data["total"] == 4 and data["matching"] == 4
    assert ids(claims(server, "?sort=-confidence")) == ["c1", "c4", "c3", "c2"]
    assert ids(claims(server, "?sort=document")) == ["c1", "c2", "c3", "c4"]
    assert ids(claims(server, "?cell_source=bone%20marrow")) == ["c1"]
    assert ids(claims(server, "?cell_source=bone%20marrow&cell_source=adipose%20tissue")) == ["c3", "c1"]
    assert ids(claims(server, "?cell_source=")) == ["c2"]  # '' = no value
    assert ids(claims(server, "?cell_product=msc&doc_id=docB")) == ["c3", "c4"]
    assert ids(claims(server, "?injury_model=cisplatin&outcomes=survival")) == ["c2"]
    assert ids(claims(server, "?effect_direction=beneficial&study_type=clinical")) == ["c4"]
    assert ids(claims(server, "?claim_type=hypothesis")) == ["c3"]
    assert ids(claims(server, "?conf_min=0.6&conf_max=0.85")) == ["c3", "c4"]
    assert ids(claims(server, "?q=TUBULAR")) == ["c3"]
    assert ids(claims(server, "?q=msc%20patients")) == ["c4"]
    assert ids(claims(server, "?limit=2&offset=1")) == ["c3", "c4"]
    data = claims(server, "?cell_source=bone%20marrow")
    facets = {name: dict(values) for name, values in data["facets"].items()}
    # a facet counts over the other filters: choosing bone marrow leaves the other sources countable
    assert facets["cell_source"] == {"bone marrow": 1, "adipose tissue": 1, "umbilical cord": 1, "": 1}
    assert facets["cell_product"] == {"msc": 1}
    assert facets["status"] == {"undecided": 1}
    assert request(server, "/api/claims?sort=nonsense")[0] == 400
    assert request(server, "/api/claims?conf_min=high")[0] == 400


def test_review_status_filter(server: ReviewServer) -> None:
    decide(server, "c1", "accepted")
    decide(server, "c3", "rejected")
    assert ids(claims(server, "?status=undecided")) == ["c2", "c4"]
    assert ids(claims(server, "?status=accepted&status=rejected")) == ["c3", "c1"]
    assert claims(server)["summary"] == {
        "undecided": 2,
        "accepted": 1,
        "rejected": 1,
        "edited": 0,
        "orphaned": 0,
        "changed": 0,
    }


def test_claim_json_has_mentions_context_and_references(server: ReviewServer) -> None:
    row = {r["claim_id"]: r for r in claims(server)["rows"]}["c2"]
    assert row["inherited"] == ["species", "injury_model"]
    assert row["cited_references"] == ["3: Fenwick 2015"] and row["citations"] == [3]
    exo = next(m for m in row["mentions"] if m["category"] == "cell_product")
    assert row["sentence"][exo["start"] : exo["end"]] == "Exosomes"
    assert row["values"]["negated"] is True


def test_post_decision_needs_the_csrf_token(server: ReviewServer, outputs: Path) -> None:
    body = {"claim_id": "c1", "status": "accepted", "comment": "ok"}
    for token in (None, "wrong-token"):
        status, _, raw = request(server, "/api/decision", "POST", body, token=token)
        assert status == 403, raw
        assert b"CSRF" in raw
    assert DecisionStore(outputs / "review.sqlite").all() == {}
    # a page of another origin, or a rebinding DNS name, is refused even with the token
    assert request(server, "/api/decision", "POST", body, headers={"Origin": "http://evil.example"})[0] == 403
    assert request(server, "/api/decision", "POST", body, headers={"Sec-Fetch-Site": "cross-site"})[0] == 403
    assert request(server, "/api/claims", headers={"Host": f"evil.example:{server.port}"})[0] == 403
    # JSON bodies only
    req = urllib.request.Request(server.url + "api/decision", data=b"claim_id=c1&status=accepted", method="POST")
    req.add_header("Content-Type", "application/x-www-form-urlencoded")
    req.add_header("X-CSRF-Token", server.app.csrf_token)
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(req, timeout=10)
    assert exc.value.code == 415
    assert DecisionStore(outputs / "review.sqlite").all() == {}

    origin = {"Origin": server.url.rstrip("/"), "Sec-Fetch-Site": "same-origin"}
    status, _, raw = request(server, "/api/decision", "POST", body, headers=origin)
    assert status == 200, raw
    row = json.loads(raw)["row"]
    assert row["status"] == "accepted" and row["decision"]["comment"] == "ok"
    decision = DecisionStore(outputs / "review.sqlite").get("c1")
    assert decision is not None and decision.reviewer == "curator1" and decision.sentence == DOC_A[0]


def test_state_changing_endpoints_refuse_other_methods(server: ReviewServer) -> None:
    for path in ("/api/decision", "/api/export"):
        status, headers, _ = request(server, path)
        assert status == 405 and headers["Allow"] == "POST"
        for method in ("PUT", "DELETE", "PATCH"):
            assert request(server, path, method, {"claim_id": "c1", "status": "accepted"})[0] == 405
    status, headers, _ = request(server, "/api/claims", "POST", {})
    assert status == 405 and headers["Allow"] == "GET"


def test_bad_decisions_are_refused(server: ReviewServer) -> None:
    def post(body: dict) -> int:
        return request(server, "/api/decision", "POST", body)[0]

    assert post({"claim_id": "c1", "status": "maybe"}) == 400
    assert post({"claim_id": "nope", "status": "accepted"}) == 404
    assert post({"claim_id": "c1", "status": "edited", "edits": {"effect_direction": "great"}}) == 400
    assert post({"claim_id": "c1", "status": "edited", "edits": {"route": "oral"}}) == 400
    assert post({"claim_id": "c1", "status": "edited", "edits": {"sentence": "x"}}) == 400
    assert post({"claim_id": "c1", "status": "edited", "edits": {"dose": "many cells"}}) == 400
    assert post({"claim_id": "c1", "status": "accepted", "edits": {"species": "mouse"}}) == 400
    assert request(server, "/api/decision", "POST", ["not", "an", "object"])[0] == 400


def test_edits_are_normalized(server: ReviewServer) -> None:
    row = decide(
        server,
        "c1",
        "edited",
        {
            "cell_source": "Bone Marrow; adipose ;",  # a synonym becomes its canonical name
            "species": "rat",  # unchanged: dropped
            "mediators": "my new factor",  # a free value stays
            "dose": "2 x 10^6 cells",
        },
    )
    assert row["status"] == "edited"
    assert row["decision"]["edits"] == {
        "cell_source": "bone marrow;adipose tissue",
        "mediators": "my new factor",
        "dose": "2 x 10^6 cells",
    }
    assert row["values"]["cell_source"] == ["bone marrow", "adipose tissue"]
    assert row["original"]["cell_source"] == ["bone marrow"]
    # edits that change nothing make an accepted claim
    assert decide(server, "c4", "edited", {"species": "human"})["status"] == "accepted"


def test_script_in_a_sentence_stays_text(server: ReviewServer) -> None:
    status, headers, raw = request(server, "/api/claims")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert b"<script>" not in raw and b"\\u003cscript\\u003e" in raw
    assert DOC_A[1] in {r["sentence"] for r in json.loads(raw)["rows"]}
    for doc in ("docA", "docB"):
        status, _, raw = request(server, f"/doc?id={doc}")
        assert status == 200
        html = raw.decode()
        assert "<script" not in html
    html = request(server, "/doc?id=docA")[2].decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<script" not in request(server, "/")[2].decode().replace('<script src="/static/review.js" defer>', "")
    assert request(server, "/doc?id=%3Cscript%3E")[0] == 404


def test_document_view(server: ReviewServer) -> None:
    html = request(server, "/doc?id=docA")[2].decode()
    assert "whole document text" in html
    assert 'id="claim-c1"' in html and 'id="claim-c2"' in html
    assert '<mark class="m cat-species"' in html and ">rats</mark>" in html
    # the narrowest mention decides the colour; both categories are listed
    assert 'data-categories="cell_product cell_source"' in html
    html = request(server, "/doc?id=docB")[2].decode()
    assert "source text of this document is not available" in html
    assert 'id="claim-c3"' in html and 'class="m cat-other"' in html  # an NER label


def test_document_view_falls_back_when_the_source_changed(server: ReviewServer, outputs: Path) -> None:
    (outputs.parent / "docA.txt").write_text("Something else entirely.\n", encoding="utf-8")
    html = request(server, "/doc?id=docA")[2].decode()
    assert "changed since it was extracted" in html and 'id="claim-c2"' in html


def test_vocab_offers_kb_canonical_values(server: ReviewServer) -> None:
    vocab = json.loads(request(server, "/api/vocab")[2])
    fields = vocab["fields"]
    sources = {v["name"] for v in fields["cell_source"]["values"]}
    assert {"bone marrow", "umbilical cord", "adipose tissue"} <= sources
    assert fields["outcomes"]["category"] == "outcome"
    assert fields["effect_direction"]["kind"] == "choice"
    assert [v["name"] for v in fields["route"]["values"]][0] == "intravenous"


# ------------------------------------------------------------------------------------------------ export


def test_export_reviewed_rows_and_values(outputs: Path, tmp_path: Path) -> None:
    db = outputs / "review.sqlite"
    store = DecisionStore(db)
    store.decide("c1", "accepted", comment="good", reviewer="ann")
    store.decide("c2", "rejected", reviewer="ann")
    store.decide(
        "c3",
        "edited",
        {"cell_source": "umbilical cord", "effect_direction": "beneficial", "dose": "1 x 10^6 cells"},
        "source is UC",
        "bob",
    )
    store.decide("gone", "accepted", reviewer="ann", sentence="An old sentence.")  # orphan: not exported
    dest = tmp_path / "export"
    written = export_reviewed(outputs, db, dest)
    assert written == [dest / "reviewed.csv", dest / "reviewed.parquet"]
    assert not list(dest.glob(".*.tmp"))

    csv = pd.read_csv(dest / "reviewed.csv", dtype=str, keep_default_na=False)
    assert list(csv.columns) == REVIEWED.names
    assert list(csv["claim_id"]) == ["c1", "c3"]
    c1, c3 = csv.to_dict("records")
    assert (c1["cell_source"], c1["cell_source_ids"], c1["effect_direction"]) == (
        "bone marrow",
        "UBERON:0002371",
        "beneficial",
    )
    assert (c1["review_status"], c1["review_edited_fields"], c1["review_comment"], c1["reviewer"]) == (
        "accepted",
        "",
        "good",
        "ann",
    )
    assert c3["cell_source"] == "umbilical cord" and c3["cell_source_ids"] == "UBERON:0002331"
    assert c3["effect_direction"] == "beneficial" and c3["dose"] == "1 x 10^6 cells"
    assert (c3["dose_value"], c3["dose_unit"]) == ("1000000.0", "cells")
    assert c3["hedged"] == "true" and c3["claim_type"] == "hypothesis"  # untouched values stay
    assert (c3["review_status"], c3["review_edited_fields"], c3["review_comment"], c3["reviewer"]) == (
        "edited",
        "cell_source;dose;effect_direction",
        "source is UC",
        "bob",
    )
    assert c3["reviewed_at"] == store.get("c3").decided_at

    parquet = pd.read_parquet(dest / "reviewed.parquet")
    assert list(parquet["claim_id"]) == ["c1", "c3"]
    assert list(parquet.loc[1, "cell_source"]) == ["umbilical cord"]
    assert list(parquet.loc[1, "review_edited_fields"]) == ["cell_source", "dose", "effect_direction"]
    # the evidence columns of the export are a valid evidence table
    validate(parquet[EVIDENCE.names].map(lambda v: v.tolist() if hasattr(v, "tolist") else v), EVIDENCE)


def test_export_with_no_decision_writes_empty_tables(outputs: Path, tmp_path: Path) -> None:
    written = export_reviewed(outputs, outputs / "review.sqlite", tmp_path)
    assert [p.name for p in written] == ["reviewed.csv", "reviewed.parquet"]
    assert pd.read_csv(written[0]).empty and list(pd.read_csv(written[0]).columns) == REVIEWED.names


def test_export_button_endpoint_and_download(server: ReviewServer, outputs: Path) -> None:
    decide(server, "c4", "accepted")
    assert request(server, "/download/reviewed.csv")[0] == 404  # nothing exported yet
    assert request(server, "/api/export", "POST", {}, token=None)[0] == 403
    status, _, raw = request(server, "/api/export", "POST", {})
    assert status == 200, raw
    result = json.loads(raw)
    assert result["rows"] == 1 and result["downloads"] == ["/download/reviewed.csv", "/download/reviewed.parquet"]
    assert (outputs / "reviewed.csv").exists() and (outputs / "reviewed.parquet").exists()
    status, headers, body = request(server, "/download/reviewed.csv")
    assert status == 200 and "attachment" in headers["Content-Disposition"]
    assert body.decode().splitlines()[1].startswith("c4,docB,")


def test_export_refuses_an_invalid_evidence_value(outputs: Path, tmp_path: Path) -> None:
    db = outputs / "review.sqlite"
    DecisionStore(db).decide("c1", "edited", {"route": "oral"})  # written behind the server's back
    with pytest.raises(SchemaError):
        export_reviewed(outputs, db, tmp_path)


# ------------------------------------------------------------------------------------------------ CLI


def test_cli_arguments_and_missing_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    parser = add_arguments(argparse.ArgumentParser())
    args = parser.parse_args(["--out", str(tmp_path), "--port", "0", "--reviewer", "ann", "--no-browser"])
    assert (args.out, args.db, args.port, args.host, args.reviewer, args.no_browser) == (
        tmp_path,
        None,
        0,
        "127.0.0.1",
        "ann",
        True,
    )
    assert main(args) == 2
    assert "no evidence table" in capsys.readouterr().err


def test_default_db_and_reviewer(outputs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USER", "someone")
    srv = make_server(outputs, port=0)
    try:
        assert srv.app.db_path == outputs / "review.sqlite" and srv.app.reviewer == "someone"
        assert srv.host == "127.0.0.1" and srv.port > 0
        assert srv.host_allowed(f"localhost:{srv.port}") and not srv.host_allowed(f"localhost:{srv.port + 1}")
    finally:
        srv.server_close()


def test_tables_are_read_from_the_newest_file(outputs: Path) -> None:
    folder = OutputFolder(outputs)
    assert folder.load().evidence_file == outputs / "evidence.csv"
    rows, _ = sample_rows()
    write_table(pd.DataFrame(rows[:1], columns=EVIDENCE.names), EVIDENCE, outputs, formats=("jsonl",))
    os.utime(outputs / "evidence.jsonl", ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    data = folder.load()
    assert data.evidence_file == outputs / "evidence.jsonl" and [r["claim_id"] for r in data.rows] == ["c1"]
    write_table(pd.DataFrame(rows[:2], columns=EVIDENCE.names), EVIDENCE, outputs, formats=("parquet",))
    os.utime(outputs / "evidence.parquet", ns=(time.time_ns() + 2 * 10**9, time.time_ns() + 2 * 10**9))
    data = folder.load()
    assert data.evidence_file == outputs / "evidence.parquet" and [r["claim_id"] for r in data.rows] == ["c1", "c2"]
    assert data.rows[1]["citations"] == [3] and data.rows[1]["negated"] is True
