// The review page. Every text from the data is put into the page with textContent (never innerHTML), so markup
// inside a document stays text. State-changing requests are POSTs with the page's CSRF token.
"use strict";

const TOKEN = document.querySelector('meta[name="csrf-token"]').content;
const PAGE = 500;
const FACET_LABELS = {
  status: "review status",
  doc_id: "document",
  claim_type: "claim type",
  study_type: "study type",
  effect_direction: "effect direction",
  species: "species",
  cell_source: "cell source",
  cell_product: "cell product",
  injury_model: "injury model",
  outcomes: "outcomes",
};
const FIELD_LABELS = {
  claim_type: "claim type",
  study_type: "study type",
  effect_direction: "effect direction",
  species: "species",
  cell_source: "cell source",
  cell_origin: "cell origin",
  cell_product: "cell product",
  injury_model: "injury model",
  mediators: "mediators",
  outcomes: "outcomes",
  outcome_effects: "outcome effects",
  route: "route",
  dose: "dose",
  timing: "timing",
  negated: "negated",
  hedged: "hedged",
  cell_line: "cell line",
  trial_id: "trial id",
  trial_phase: "trial phase",
  n_patients: "patients",
};
const KB_CATEGORIES = ["species", "cell_source", "cell_product", "cell_origin", "injury_model", "mediator", "outcome"];

const state = {
  filters: {}, // facet -> Set of values
  rows: [],
  matching: 0,
  selected: -1,
  vocab: null,
  editing: null, // {claimId, values: {field: string}}
  requestId: 0,
};

// ------------------------------------------------------------------------------------------- helpers

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function asString(value) {
  if (Array.isArray(value)) return value.map(asString).join(";");
  if (typeof value === "boolean") return value ? "true" : "false";
  return value === null || value === undefined ? "" : String(value);
}

function display(value) {
  if (Array.isArray(value)) return value.length ? value.map(asString).join("; ") : "—";
  const text = asString(value);
  return text === "" ? "—" : text;
}

function categoryClass(category) {
  return KB_CATEGORIES.includes(category) ? "cat-" + category : "cat-other";
}

function toast(message, isError) {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.className = isError ? "error" : "";
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (box.hidden = true), isError ? 8000 : 3000);
}

async function getJSON(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  const data = await response.json().catch(() => ({ error: response.statusText }));
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

async function postJSON(url, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": TOKEN },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({ error: response.statusText }));
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function docHref(docId, claimId) {
  return "/doc?id=" + encodeURIComponent(docId) + (claimId ? "#claim-" + encodeURIComponent(claimId) : "");
}

// A sentence with its mentions highlighted: the text is cut at every mention boundary; each piece covered by
// mentions becomes a <mark> coloured by the narrowest one, with all of them in its tooltip.
function highlighted(text, mentions) {
  const wrap = el("span", { class: "sentence" });
  const cuts = new Set([0, text.length]);
  for (const m of mentions) {
    cuts.add(Math.max(0, Math.min(m.start, text.length)));
    cuts.add(Math.max(0, Math.min(m.end, text.length)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i];
    const b = points[i + 1];
    const piece = text.slice(a, b);
    const covering = mentions
      .filter((m) => m.start <= a && m.end >= b)
      .sort((x, y) => x.end - x.start - (y.end - y.start));
    if (!covering.length) {
      wrap.append(document.createTextNode(piece));
      continue;
    }
    const categories = [...new Set(covering.map((m) => m.category))];
    const title = covering
      .map((m) => `${m.category}: ${m.canonical_name || m.text}${m.ontology_id ? " (" + m.ontology_id + ")" : ""}`)
      .join("; ");
    wrap.append(
      el("mark", { class: "m " + categoryClass(categories[0]), title, dataset: { categories: categories.join(" ") } }, piece),
    );
  }
  return wrap;
}

function legend(mentions) {
  const categories = [...new Set(mentions.map((m) => m.category))];
  return el(
    "p",
    { class: "legend" },
    categories.length ? "Mentions: " : "No entity mentions recorded for this sentence.",
    ...categories.map((c) => el("span", { class: "m " + categoryClass(c) }, c)),
  );
}

function statusBadge(status) {
  return el("span", { class: "badge status-" + status, dataset: { status } }, status);
}

// ------------------------------------------------------------------------------------------- loading

function queryString(extra) {
  const params = new URLSearchParams();
  for (const [name, values] of Object.entries(state.filters)) for (const v of values) params.append(name, v);
  const q = document.getElementById("search").value.trim();
  if (q) params.set("q", q);
  const min = document.getElementById("conf-min").value;
  const max = document.getElementById("conf-max").value;
  if (min !== "") params.set("conf_min", min);
  if (max !== "") params.set("conf_max", max);
  if (document.getElementById("changed-only").checked) params.set("changed", "1");
  params.set("sort", document.getElementById("sort").value);
  for (const [k, v] of Object.entries(extra || {})) params.set(k, v);
  return params.toString();
}

async function load(keepSelection) {
  const request = ++state.requestId;
  const previous = keepSelection && state.rows[state.selected] ? state.rows[state.selected].claim_id : null;
  let data;
  try {
    data = await getJSON("/api/claims?" + queryString({ limit: PAGE, offset: 0 }));
  } catch (error) {
    document.getElementById("status-line").textContent = "Could not load the claims: " + error.message;
    return;
  }
  if (request !== state.requestId) return; // a newer request is on its way
  state.rows = data.rows;
  state.matching = data.matching;
  renderFacets(data.facets);
  renderSummary(data);
  renderOrphans(data.orphans);
  renderTable();
  renderStatusLine(data);
  let index = previous ? state.rows.findIndex((r) => r.claim_id === previous) : -1;
  if (index < 0 && state.rows.length) index = 0;
  select(index, false);
}

async function loadMore() {
  const data = await getJSON("/api/claims?" + queryString({ limit: PAGE, offset: state.rows.length }));
  state.rows = state.rows.concat(data.rows);
  state.matching = data.matching;
  renderTable();
  renderStatusLine(data);
  select(state.selected, false);
}

// Counts and facets after a decision, without replacing the rows (the decided row stays where it is).
async function refreshCounts() {
  try {
    const data = await getJSON("/api/claims?" + queryString({ limit: 0 }));
    renderFacets(data.facets);
    renderSummary(data);
    renderOrphans(data.orphans);
  } catch (error) {
    toast(error.message, true);
  }
}

// ------------------------------------------------------------------------------------------- rendering

function renderSummary(data) {
  const s = data.summary;
  const parts = [
    `${data.total} claims`,
    `${s.undecided} undecided`,
    `${s.accepted} accepted`,
    `${s.edited} edited`,
    `${s.rejected} rejected`,
  ];
  if (s.orphaned) parts.push(`${s.orphaned} orphaned`);
  if (s.changed) parts.push(`${s.changed} changed since decided`);
  document.getElementById("summary").textContent = parts.join(" · ");
}

function renderStatusLine(data) {
  const line = document.getElementById("status-line");
  line.textContent =
    `${data.matching} of ${data.total} claims match` +
    (state.rows.length < data.matching ? ` (showing ${state.rows.length})` : "") +
    (data.evidence_file ? ` · read from ${data.evidence_file}` : "");
}

function renderFacets(facets) {
  const box = document.getElementById("facets");
  const open = {};
  for (const d of box.querySelectorAll("details")) open[d.dataset.facet] = d.open;
  box.replaceChildren();
  for (const [name, values] of Object.entries(facets)) {
    const chosen = state.filters[name] || new Set();
    const list = el("ul", { class: "facet-values" });
    for (const [value, count] of values) {
      const id = `f-${name}-${list.children.length}`;
      const input = el("input", {
        type: "checkbox",
        id,
        value,
        checked: chosen.has(value),
        dataset: { facet: name },
        onchange: (event) => toggleFilter(name, value, event.target.checked),
      });
      list.append(
        el(
          "li",
          { class: count ? "" : "zero" },
          input,
          el("label", { for: id }, value === "" ? "(none)" : value, el("span", { class: "count" }, String(count))),
        ),
      );
    }
    const details = el(
      "details",
      { class: "facet", dataset: { facet: name }, open: name in open ? open[name] : name !== "doc_id" || chosen.size > 0 },
      el("summary", {}, FACET_LABELS[name] || name, chosen.size ? el("span", { class: "count" }, `${chosen.size} chosen`) : null),
      list,
    );
    box.append(details);
  }
}

function toggleFilter(name, value, on) {
  const set = state.filters[name] || new Set();
  if (on) set.add(value);
  else set.delete(value);
  if (set.size) state.filters[name] = set;
  else delete state.filters[name];
  load(false);
}

function renderOrphans(orphans) {
  const section = document.getElementById("orphans");
  section.replaceChildren();
  section.hidden = !orphans.length;
  if (!orphans.length) return;
  const list = el("ul");
  for (const o of orphans) {
    list.append(
      el(
        "li",
        { class: "orphan", dataset: { claimId: o.claim_id } },
        el("span", { class: "badge orphaned" }, "ORPHANED"),
        " ",
        statusBadge(o.status),
        " ",
        el("span", { class: "doc" }, o.doc_id || "(unknown document)"),
        " ",
        el("q", { class: "orphan-sentence" }, o.sentence || "(sentence not recorded)"),
        o.comment ? el("span", { class: "comment" }, " — " + o.comment) : null,
        el("span", { class: "who" }, ` ${o.reviewer || "?"}, ${o.decided_at}`),
      ),
    );
  }
  section.append(
    el(
      "details",
      { open: true },
      el(
        "summary",
        {},
        `${orphans.length} orphaned decision${orphans.length > 1 ? "s" : ""}: the claim is no longer in the evidence table ` +
          "(a re-run dropped or changed its sentence). Kept in the database, left out of the export.",
      ),
      list,
    ),
  );
}

function fieldChips(row) {
  const box = el("div", { class: "chips" });
  for (const name of ["cell_product", "cell_source", "injury_model", "species", "outcomes"]) {
    const values = row.values[name];
    if (!values.length) continue;
    const inherited = row.inherited.includes(name);
    box.append(
      el(
        "span",
        { class: "chip field-" + name + (inherited ? " inherited" : ""), title: FIELD_LABELS[name] + (inherited ? " (from context)" : "") },
        values.join("; "),
      ),
    );
  }
  return box;
}

function rowElement(row, index) {
  const tr = el(
    "tr",
    {
      class: "claim-row" + (index === state.selected ? " selected" : ""),
      dataset: { claimId: row.claim_id, status: row.status, index: String(index) },
      onclick: (event) => {
        if (event.target.closest("button, a")) return;
        select(index, true);
      },
    },
    el("td", {}, statusBadge(row.status), row.changed.length ? el("span", { class: "badge changed", title: "changed by a re-run: " + row.changed.join(", ") }, "changed") : null),
    el("td", { class: "conf" }, row.confidence.toFixed(2)),
    el("td", { class: "doc" }, el("a", { href: docHref(row.doc_id, row.claim_id), target: "_blank", rel: "noopener" }, row.doc_id), el("div", { class: "section" }, `${row.section} · #${row.sentence_index}`)),
    el("td", { class: "claim" }, highlighted(row.sentence, row.mentions), fieldChips(row), row.decision && row.decision.comment ? el("div", { class: "comment" }, "comment: " + row.decision.comment) : null),
    el("td", { class: "direction" }, row.values.effect_direction, el("div", { class: "section" }, `${row.values.claim_type} · ${row.values.study_type}`)),
    el(
      "td",
      { class: "actions" },
      el("button", { type: "button", class: "accept", dataset: { action: "accept" }, title: "Accept (a)", "aria-label": "Accept", onclick: () => { select(index, false); decide("accepted"); } }, "✓"),
      el("button", { type: "button", class: "reject", dataset: { action: "reject" }, title: "Reject (r)", "aria-label": "Reject", onclick: () => { select(index, false); decide("rejected"); } }, "✗"),
      el("button", { type: "button", class: "edit", dataset: { action: "edit" }, title: "Edit (e)", "aria-label": "Edit", onclick: () => { select(index, false); openEditor(); } }, "✎"),
    ),
  );
  return tr;
}

function renderTable() {
  const body = document.querySelector("#claims tbody");
  body.replaceChildren(...state.rows.map(rowElement));
  const more = document.getElementById("more");
  more.hidden = state.rows.length >= state.matching;
  more.textContent = `Show more (${state.matching - state.rows.length} left)`;
}

function replaceRow(index) {
  const body = document.querySelector("#claims tbody");
  const old = body.children[index];
  if (old) old.replaceWith(rowElement(state.rows[index], index));
}

function select(index, focus) {
  const body = document.querySelector("#claims tbody");
  const previous = body.querySelector("tr.selected");
  if (previous) previous.classList.remove("selected");
  state.selected = index >= 0 && index < state.rows.length ? index : -1;
  const tr = body.children[state.selected];
  if (tr) {
    tr.classList.add("selected");
    tr.scrollIntoView({ block: "nearest" });
  }
  renderDetail();
  if (focus) document.activeElement && document.activeElement.blur && document.activeElement.blur();
}

function renderDetail() {
  const panel = document.getElementById("detail");
  const row = state.rows[state.selected];
  if (!row) {
    panel.replaceChildren(el("p", { class: "hint" }, "No claim selected: none matches the filters."));
    return;
  }
  const decision = row.decision;
  const fields = el("table", { class: "fields" });
  for (const name of Object.keys(FIELD_LABELS)) {
    const value = row.values[name];
    const original = row.original[name];
    const edited = decision && decision.edits && name in decision.edits;
    const inherited = row.inherited.includes(name);
    fields.append(
      el(
        "tr",
        { class: (edited ? "edited" : "") + (inherited ? " inherited" : ""), dataset: { field: name } },
        el("th", {}, FIELD_LABELS[name]),
        el(
          "td",
          {},
          el("span", { class: "value" }, display(value)),
          edited ? el("span", { class: "was", title: "extracted value" }, " was: " + display(original)) : null,
          inherited ? el("span", { class: "badge inherited", title: "filled from the context set earlier in the document" }, "context") : null,
        ),
      ),
    );
  }
  const refs = row.cited_references.length
    ? el(
        "ul",
        { class: "refs" },
        ...row.cited_references.map((label) => {
          const number = parseInt(label, 10);
          const full = row.references.find((r) => r.number === number);
          return el("li", { title: full ? full.text : "" }, label, full ? el("div", { class: "reftext" }, full.text) : null);
        }),
      )
    : el("p", { class: "muted" }, row.citations.length ? `Cites [${row.citations.join(", ")}] (no reference list parsed).` : "No citation.");
  const comment = el("textarea", { id: "comment", rows: "3", placeholder: "optional comment, saved with the decision (c)" });
  comment.value = decision ? decision.comment : "";
  comment.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      saveComment();
    }
  });
  panel.replaceChildren();
  panel.append(
    ...[
    el(
      "div",
      { class: "detail-head" },
      statusBadge(row.status),
      el("code", { class: "claim-id" }, row.claim_id),
      el("span", { class: "conf" }, "confidence " + row.confidence.toFixed(2)),
    ),
    decision ? el("p", { class: "muted decided" }, `${decision.status} by ${decision.reviewer || "?"} at ${decision.decided_at}`) : null,
    row.changed.length
      ? el("p", { class: "warning changed-note" }, "A re-run of the extraction changed " + row.changed.join(", ") + " since this decision: check it again.")
      : null,
    el("h3", {}, row.doc_title || row.doc_id),
    el("p", { class: "muted" }, `${row.doc_id} · ${row.section} · sentence ${row.sentence_index} · `, el("a", { href: docHref(row.doc_id, row.claim_id), target: "_blank", rel: "noopener", id: "doc-link" }, "document view (o)")),
    el("blockquote", { id: "detail-sentence" }, highlighted(row.sentence, row.mentions)),
    legend(row.mentions),
    row.inherited.length
      ? el("p", { class: "inherited-note" }, "Inherited from the context earlier in the document: ", el("b", {}, row.inherited.join(", ")))
      : el("p", { class: "muted" }, "Nothing inherited from context: every value is stated in this sentence."),
    fields,
    el("h4", {}, "Cited references"),
    refs,
    el("label", { class: "block" }, "Comment", comment),
    el(
      "div",
      { class: "buttons" },
      el("button", { type: "button", id: "accept-btn", class: "accept", onclick: () => decide("accepted") }, "Accept (a)"),
      el("button", { type: "button", id: "reject-btn", class: "reject", onclick: () => decide("rejected") }, "Reject (r)"),
      el("button", { type: "button", id: "edit-btn", onclick: () => openEditor() }, "Edit (e)"),
      el("button", { type: "button", id: "save-comment", onclick: () => saveComment() }, "Save comment"),
    ),
    el("details", { class: "history", ontoggle: (event) => event.target.open && loadHistory(row.claim_id, event.target) }, el("summary", {}, "History"), el("ol")),
    ].filter((node) => node !== null),
  );
}

async function loadHistory(claimId, details) {
  const list = details.querySelector("ol");
  try {
    const data = await getJSON("/api/log?claim_id=" + encodeURIComponent(claimId));
    list.replaceChildren(
      ...data.log.map((e) =>
        el("li", {}, `${e.decided_at} ${e.reviewer || "?"}: ${e.status}`, Object.keys(e.edits).length ? " " + JSON.stringify(e.edits) : "", e.comment ? ` — ${e.comment}` : ""),
      ),
    );
    if (!data.log.length) list.append(el("li", {}, "no decision yet"));
  } catch (error) {
    list.replaceChildren(el("li", {}, error.message));
  }
}

// ------------------------------------------------------------------------------------------- decisions

async function send(row, status, edits, comment) {
  const index = state.rows.indexOf(row);
  try {
    const data = await postJSON("/api/decision", { claim_id: row.claim_id, status, edits: edits || {}, comment: comment || "" });
    if (index >= 0) {
      state.rows[index] = data.row;
      replaceRow(index);
      if (index === state.selected) {
        select(index, false);
      }
    }
    toast(`${data.row.status}: ${row.claim_id}`);
    refreshCounts();
    return true;
  } catch (error) {
    toast("Not saved: " + error.message, true);
    return false;
  }
}

function currentComment(row) {
  const box = document.getElementById("comment");
  return box ? box.value : row.decision ? row.decision.comment : "";
}

function decide(status) {
  const row = state.rows[state.selected];
  if (!row) return;
  const comment = currentComment(row);
  if (status === "accepted" && row.decision && row.decision.status === "edited") {
    // An edited claim is an accepted claim with corrections: accepting it keeps the corrections.
    return send(row, "edited", row.decision.edits, comment);
  }
  return send(row, status, {}, comment);
}

function saveComment() {
  const row = state.rows[state.selected];
  if (!row) return;
  if (!row.decision) {
    toast("Accept, reject or edit the claim to save the comment with the decision.", true);
    return;
  }
  return send(row, row.decision.status, row.decision.status === "edited" ? row.decision.edits : {}, currentComment(row));
}

// ------------------------------------------------------------------------------------------- editor

function kbField(name, spec, values) {
  const chips = el("div", { class: "chips editable" });
  const input = el("input", { type: "text", class: "kb-search", placeholder: "search " + (spec.category || name) + "…", autocomplete: "off", "aria-label": "search " + FIELD_LABELS[name] });
  const suggestions = el("ul", { class: "suggestions", role: "listbox", hidden: true });
  let active = -1;

  function draw() {
    chips.replaceChildren(
      ...values.map((v, i) =>
        el(
          "span",
          { class: "chip", dataset: { value: v } },
          v,
          el("button", { type: "button", class: "remove", title: "remove " + v, "aria-label": "remove " + v, onclick: () => { values.splice(i, 1); draw(); } }, "×"),
        ),
      ),
    );
  }
  function add(value) {
    value = value.trim();
    if (value && !values.includes(value)) values.push(value);
    input.value = "";
    suggestions.hidden = true;
    draw();
    input.focus();
  }
  function search() {
    const q = input.value.trim().toLowerCase();
    suggestions.replaceChildren();
    active = -1;
    if (!q) {
      suggestions.hidden = true;
      return;
    }
    const hits = spec.values
      .map((v) => {
        const name = v.name.toLowerCase();
        let rank = name.startsWith(q) ? 0 : name.includes(q) ? 1 : v.also.some((s) => s.toLowerCase().includes(q)) ? 2 : -1;
        return [rank, v];
      })
      .filter(([rank]) => rank >= 0)
      .sort((a, b) => a[0] - b[0] || a[1].name.localeCompare(b[1].name))
      .slice(0, 15);
    for (const [, v] of hits) {
      const match = v.also.find((s) => s.toLowerCase().includes(q) && !v.name.toLowerCase().includes(q));
      suggestions.append(
        el(
          "li",
          { class: "suggestion", role: "option", dataset: { value: v.name }, onmousedown: (event) => { event.preventDefault(); add(v.name); } },
          v.name,
          v.id ? el("span", { class: "oid" }, " " + v.id) : null,
          match ? el("span", { class: "also" }, " (" + match + ")") : null,
        ),
      );
    }
    const raw = input.value.trim();
    if (!hits.some(([, v]) => v.name === raw.toLowerCase())) {
      suggestions.append(
        el("li", { class: "suggestion free", role: "option", dataset: { value: raw }, onmousedown: (event) => { event.preventDefault(); add(raw); } }, `add “${raw}” as a free value`),
      );
    }
    suggestions.hidden = false;
  }
  function move(step) {
    const items = suggestions.querySelectorAll("li");
    if (!items.length) return;
    if (active >= 0) items[active].classList.remove("active");
    active = (active + step + items.length) % items.length;
    items[active].classList.add("active");
    items[active].scrollIntoView({ block: "nearest" });
  }
  input.addEventListener("input", search);
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") { event.preventDefault(); move(1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
    else if (event.key === "Enter" && !(event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      const items = suggestions.querySelectorAll("li");
      if (active >= 0 && items[active]) add(items[active].dataset.value);
      else if (input.value.trim()) add(input.value);
    } else if (event.key === "Backspace" && !input.value && values.length) {
      values.pop();
      draw();
    }
  });
  input.addEventListener("blur", () => setTimeout(() => (suggestions.hidden = true), 150));
  draw();
  return el("div", { class: "kb-field" }, chips, el("div", { class: "combo" }, input, suggestions));
}

function openEditor() {
  const row = state.rows[state.selected];
  if (!row || !state.vocab) return;
  const form = document.getElementById("editor-fields");
  form.replaceChildren();
  const getters = {};
  for (const name of state.vocab.order) {
    const spec = state.vocab.fields[name];
    const value = row.values[name];
    let control;
    if (spec.kind === "kb") {
      const values = value.map(String);
      control = kbField(name, spec, values);
      getters[name] = () => values.join(";");
    } else if (spec.kind === "choice" || spec.kind === "bool") {
      control = el("select", { class: "choice" }, ...spec.values.map((v) => el("option", { value: v.name, selected: asString(value) === v.name }, v.name)));
      getters[name] = () => control.value;
    } else if (spec.kind === "multi") {
      const boxes = spec.values.map((v) => el("input", { type: "checkbox", value: v.name, checked: value.includes(v.name) }));
      control = el("div", { class: "multi" }, ...boxes.map((b) => el("label", {}, b, b.value)));
      getters[name] = () => boxes.filter((b) => b.checked).map((b) => b.value).join(";");
    } else {
      control = el("input", { type: "text", class: "list", value: asString(value), placeholder: spec.values.length ? spec.values.map((v) => v.name).join("; ") : "values separated by ;" });
      getters[name] = () => control.value;
    }
    const original = asString(row.original[name]);
    form.append(
      el(
        "div",
        { class: "editor-field", dataset: { field: name } },
        el("label", { class: "field-name" }, FIELD_LABELS[name] || name, row.inherited.includes(name) ? el("span", { class: "badge inherited" }, "context") : null),
        control,
        el("div", { class: "muted original" }, "extracted: " + (original || "—")),
      ),
    );
  }
  state.editing = { claimId: row.claim_id, getters };
  document.getElementById("editor-comment").value = currentComment(row);
  document.getElementById("editor-error").textContent = "";
  document.getElementById("editor-title").textContent = "Edit claim " + row.claim_id;
  const dialog = document.getElementById("editor");
  dialog.showModal();
  const first = form.querySelector(".kb-search");
  if (first) first.focus();
}

async function saveEditor() {
  const row = state.rows[state.selected];
  if (!row || !state.editing || state.editing.claimId !== row.claim_id) return;
  const edits = {};
  for (const [name, get] of Object.entries(state.editing.getters)) {
    const value = get();
    if (value !== asString(row.original[name])) edits[name] = value;
  }
  const comment = document.getElementById("editor-comment").value;
  const status = Object.keys(edits).length ? "edited" : "accepted";
  try {
    const data = await postJSON("/api/decision", { claim_id: row.claim_id, status, edits, comment });
    state.rows[state.selected] = data.row;
    replaceRow(state.selected);
    document.getElementById("editor").close();
    state.editing = null;
    select(state.selected, false);
    toast(`${data.row.status}: ${row.claim_id}`);
    refreshCounts();
  } catch (error) {
    document.getElementById("editor-error").textContent = error.message;
  }
}

// ------------------------------------------------------------------------------------------- export

async function exportReviewed() {
  const box = document.getElementById("export-result");
  try {
    const data = await postJSON("/api/export", {});
    box.replaceChildren(
      `Exported ${data.rows} reviewed rows (accepted and edited)` + (data.orphaned ? `; ${data.orphaned} orphaned decisions left out` : "") + ": ",
      ...data.files.map((f) => el("code", {}, f + " ")),
      ...data.downloads.map((href) => el("a", { href, download: "", class: "download" }, "download " + href.split("/").pop() + " ")),
    );
    box.hidden = false;
  } catch (error) {
    box.replaceChildren("Export failed: " + error.message);
    box.hidden = false;
  }
}

// ------------------------------------------------------------------------------------------- keys

function typing(target) {
  return target && (target.closest("input, textarea, select, [contenteditable]") !== null);
}

function onKey(event) {
  if (document.getElementById("editor").open) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      saveEditor();
    }
    return;
  }
  if (document.getElementById("help").open) return;
  if (typing(event.target)) {
    if (event.key === "Escape") event.target.blur();
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const actions = {
    j: () => select(Math.min(state.selected + 1, state.rows.length - 1), true),
    ArrowDown: () => select(Math.min(state.selected + 1, state.rows.length - 1), true),
    k: () => select(Math.max(state.selected - 1, 0), true),
    ArrowUp: () => select(Math.max(state.selected - 1, 0), true),
    a: () => decide("accepted"),
    r: () => decide("rejected"),
    e: () => openEditor(),
    c: () => document.getElementById("comment") && document.getElementById("comment").focus(),
    o: () => state.rows[state.selected] && window.open(docHref(state.rows[state.selected].doc_id, state.rows[state.selected].claim_id), "_blank", "noopener"),
    "/": () => document.getElementById("search").focus(),
    "?": () => document.getElementById("help").showModal(),
  };
  const action = actions[event.key];
  if (action) {
    event.preventDefault();
    action();
  }
}

// ------------------------------------------------------------------------------------------- start

function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

async function start() {
  document.addEventListener("keydown", onKey);
  const reload = debounce(() => load(false), 200);
  document.getElementById("search").addEventListener("input", reload);
  document.getElementById("conf-min").addEventListener("input", reload);
  document.getElementById("conf-max").addEventListener("input", reload);
  document.getElementById("changed-only").addEventListener("change", () => load(false));
  document.getElementById("sort").addEventListener("change", () => load(false));
  document.getElementById("clear-filters").addEventListener("click", () => {
    state.filters = {};
    document.getElementById("search").value = "";
    document.getElementById("conf-min").value = "";
    document.getElementById("conf-max").value = "";
    document.getElementById("changed-only").checked = false;
    load(false);
  });
  document.getElementById("more").addEventListener("click", loadMore);
  document.getElementById("export-btn").addEventListener("click", exportReviewed);
  document.getElementById("help-btn").addEventListener("click", () => document.getElementById("help").showModal());
  document.getElementById("editor-save").addEventListener("click", saveEditor);
  document.getElementById("editor-cancel").addEventListener("click", () => document.getElementById("editor").close());
  document.getElementById("editor").addEventListener("close", () => (state.editing = null));
  try {
    state.vocab = await getJSON("/api/vocab");
  } catch (error) {
    toast("Could not load the knowledge base values: " + error.message, true);
  }
  await load(false);
  document.body.dataset.ready = "true";
}

start();
