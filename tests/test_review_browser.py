"""``evidence review`` end to end in a real headless Chromium, driven by Playwright.

Filter, accept with the keyboard, reject with the mouse, edit a field choosing a knowledge-base value, comment;
then a re-run of the extraction drops one claim and changes another; after a reload the decisions are there, the
dropped claim is listed as orphaned, and the export holds the reviewed rows.

Needs Debian's ``chromium`` (``/usr/bin/chromium``) and ``pip install playwright`` (no ``playwright install``: the
system browser is used). Skipped with the reason when either is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} not found: install it with `apt-get install -y chromium` to run the browser test",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="playwright is not installed: `pip install playwright` to run the browser test",
    exc_type=ImportError,
)

from test_review import DOC_A, build_outputs, rerun  # noqa: E402 - after the skips

from pipeline.review.decisions import DecisionStore  # noqa: E402
from pipeline.review.server import ReviewServer, make_server  # noqa: E402

expect = sync_api.expect
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ReviewServer]:
    srv = make_server(build_outputs(tmp_path), port=0, reviewer="browser-curator")
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def errors() -> list[str]:
    """Script errors, console errors and dialogs (an alert would mean a script from the data ran)."""
    return []


@pytest.fixture
def page(server: ReviewServer, errors: list[str]) -> Iterator[sync_api.Page]:
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 950})
            page.set_default_timeout(10_000)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.on("dialog", lambda dialog: errors.append(f"unexpected dialog: {dialog.message}"))
            yield page
        finally:
            browser.close()


def row(page: sync_api.Page, claim_id: str) -> sync_api.Locator:
    return page.locator(f'tr.claim-row[data-claim-id="{claim_id}"]')


def open_page(page: sync_api.Page, server: ReviewServer) -> None:
    page.goto(server.url)
    page.wait_for_selector("body[data-ready=true]")


def test_review_in_a_browser(server: ReviewServer, page: sync_api.Page, errors: list[str]) -> None:
    out = server.app.out_dir
    open_page(page, server)
    rows = page.locator("tr.claim-row")
    expect(rows).to_have_count(4)
    # doubtful rows first
    assert [r.get_attribute("data-claim-id") for r in rows.all()] == ["c2", "c3", "c4", "c1"]
    # the <script> of a sentence is text on the page
    expect(row(page, "c2").locator("td.claim .sentence")).to_contain_text("<script>alert('x')</script>")
    assert page.locator("#claims script").count() == 0

    # ---- filter: cell product = msc; free text; confidence
    page.locator('input[data-facet="cell_product"][value="msc"]').check()
    expect(rows).to_have_count(3)
    assert [r.get_attribute("data-claim-id") for r in rows.all()] == ["c3", "c4", "c1"]
    page.fill("#search", "tubular")
    expect(rows).to_have_count(1)
    page.fill("#search", "")
    page.fill("#conf-min", "0.75")
    expect(rows).to_have_count(2)
    page.fill("#conf-min", "")
    expect(rows).to_have_count(3)
    page.keyboard.press("Escape")  # leave the input: keys drive the list again

    # ---- keyboard: j / k move, a accepts
    expect(row(page, "c3")).to_have_class("claim-row selected")
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(row(page, "c1")).to_have_class("claim-row selected")
    page.keyboard.press("k")
    expect(row(page, "c4")).to_have_class("claim-row selected")
    page.keyboard.press("a")
    expect(row(page, "c4")).to_have_attribute("data-status", "accepted")

    # ---- mouse: reject c1 with its row button
    row(page, "c1").locator('button[data-action="reject"]').click()
    expect(row(page, "c1")).to_have_attribute("data-status", "rejected")

    # ---- edit c3: replace adipose tissue by a canonical value found by search
    row(page, "c3").locator("td.claim").click()
    expect(row(page, "c3")).to_have_class("claim-row selected")
    page.keyboard.press("e")
    editor = page.locator("#editor")
    expect(editor).to_be_visible()
    field = editor.locator('.editor-field[data-field="cell_source"]')
    field.locator(".kb-search").fill("umbil")
    field.locator('li.suggestion[data-value="umbilical cord"]').click()
    field.locator('.chip[data-value="adipose tissue"] .remove').click()
    expect(field.locator(".chip")).to_have_count(1)
    page.click("#editor-save")
    expect(editor).to_be_hidden()
    expect(row(page, "c3")).to_have_attribute("data-status", "edited")
    expect(page.locator('#detail tr[data-field="cell_source"] .value')).to_have_text("umbilical cord")

    # ---- comment on c3 (c, type, Ctrl+Enter)
    page.keyboard.press("c")
    page.keyboard.type("UC cells, not adipose")
    page.keyboard.press("Control+Enter")
    expect(row(page, "c3").locator(".comment")).to_contain_text("UC cells, not adipose")

    # ---- clear the filters; accept c2 (dropped by the re-run below) with the keyboard
    page.click("#clear-filters")
    expect(rows).to_have_count(4)
    row(page, "c2").locator("td.conf").click()
    page.keyboard.press("a")
    expect(row(page, "c2")).to_have_attribute("data-status", "accepted")

    store = DecisionStore(server.app.db_path)
    decisions = store.all()
    assert {k: d.status for k, d in decisions.items()} == {
        "c1": "rejected",
        "c2": "accepted",
        "c3": "edited",
        "c4": "accepted",
    }
    assert decisions["c3"].edits == {"cell_source": "umbilical cord"}
    assert decisions["c3"].comment == "UC cells, not adipose"
    assert {d.reviewer for d in decisions.values()} == {"browser-curator"}
    assert len(store.log("c3")) == 2  # the edit, then the comment

    # ---- a re-run of the extraction: c2 is gone, c4 changed; reload
    rerun(out, drop="c2", change="c4")
    open_page(page, server)
    expect(rows).to_have_count(3)
    expect(row(page, "c2")).to_have_count(0)
    expect(row(page, "c3")).to_have_attribute("data-status", "edited")
    expect(row(page, "c4")).to_have_attribute("data-status", "accepted")
    expect(row(page, "c4").locator(".badge.changed")).to_be_visible()
    expect(row(page, "c1")).to_have_attribute("data-status", "rejected")
    orphan = page.locator('#orphans li.orphan[data-claim-id="c2"]')
    expect(orphan).to_be_visible()
    expect(orphan.locator(".badge.orphaned")).to_have_text("ORPHANED")
    expect(orphan.locator(".orphan-sentence")).to_have_text(DOC_A[1])  # stored at decision time, shown as text
    assert page.locator("#orphans script").count() == 0
    expect(page.locator("#summary")).to_contain_text("1 orphaned")

    # ---- export from the page
    page.click("#export-btn")
    expect(page.locator("#export-result")).to_contain_text("Exported 2 reviewed rows")
    expect(page.locator('#export-result a[href="/download/reviewed.csv"]')).to_be_visible()
    csv = pd.read_csv(out / "reviewed.csv", dtype=str, keep_default_na=False)
    assert list(csv["claim_id"]) == ["c3", "c4"]
    c3, c4 = csv.to_dict("records")
    assert (c3["cell_source"], c3["cell_source_ids"], c3["review_status"], c3["review_comment"]) == (
        "umbilical cord",
        "UBERON:0002331",
        "edited",
        "UC cells, not adipose",
    )
    assert (c4["review_status"], c4["effect_direction"], c4["reviewer"]) == ("accepted", "mixed", "browser-curator")

    # ---- the document view: whole text, mentions highlighted, the script is text
    page.goto(server.url + "doc?id=docA#claim-c1")
    expect(page.locator("mark.cat-species")).to_have_text("rats")
    expect(page.locator(".doctext")).to_contain_text("<script>alert('x')</script>")
    assert page.locator(".doctext script").count() == 0

    assert errors == []
