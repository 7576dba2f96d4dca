-- MSC-AKI evidence export, schema version 1.
-- Generated from pipeline/export.py (python -m pipeline.export --write-schema); do not edit by hand.
-- The same statements run on SQLite, DuckDB and PostgreSQL. List-valued columns are TEXT with the items
-- joined by ';' ('' for an empty list). Booleans are BOOLEAN (0/1 in SQLite).
-- mentions.claim_id is NULL when the sentence made no claim. decisions has no foreign key to evidence:
-- a decision outlives its claim (see the orphaned_decisions view, created when missing).

-- runs: one row per `evidence export` run
CREATE TABLE IF NOT EXISTS "runs" (
    "run_id" TEXT NOT NULL, -- str: id of the export run: UTC time and a random suffix
    "schema_version" BIGINT NOT NULL, -- int: version of this schema
    "pipeline_version" TEXT NOT NULL, -- str: version of the pipeline of the source folder's last extraction run
    "exporter_version" TEXT NOT NULL, -- str: version of the pipeline package that exported
    "exported_at" TEXT NOT NULL, -- str: when the export ran (UTC, ISO 8601)
    "source_folder" TEXT NOT NULL, -- str: the output folder exported (absolute path)
    "source_run_id" TEXT NOT NULL, -- str: run id of the source folder's last extraction run ('' if unknown)
    "decisions_source" TEXT NOT NULL, -- str: the reviewer-decisions database read ('' when none)
    "documents_total" BIGINT NOT NULL, -- int: documents in the source folder
    "documents_written" BIGINT NOT NULL, -- int: documents new or re-extracted since the last export, rewritten
    "documents_unchanged" BIGINT NOT NULL, -- int: documents left as they were
    "decisions_read" BIGINT NOT NULL, -- int: decisions read from the decisions database
    PRIMARY KEY ("run_id")
);

-- documents: one row per exported document, with the fingerprint of its rows (what makes re-exports incremental)
CREATE TABLE IF NOT EXISTS "documents" (
    "doc_id" TEXT NOT NULL, -- str: document id
    "fingerprint" TEXT NOT NULL, -- str: hash of the document's rows in all tables and its pipeline version
    "extract_run_id" TEXT NOT NULL, -- str: the extraction run that last processed the document ('' if unknown)
    "n_claims" BIGINT NOT NULL, -- int: evidence rows of the document
    "n_mentions" BIGINT NOT NULL, -- int: mention rows of the document
    "n_arms" BIGINT NOT NULL, -- int: study arms of the document
    "n_references" BIGINT NOT NULL, -- int: reference-list entries of the document
    "run_id" TEXT NOT NULL, -- str: the export run that last wrote this row (see `runs`)
    "pipeline_version" TEXT NOT NULL, -- str: version of the pipeline that extracted the row's document: release+code/KB hash, from run_report.json
    "exported_at" TEXT NOT NULL, -- str: when this row was last written (UTC, ISO 8601)
    PRIMARY KEY ("doc_id"),
    FOREIGN KEY ("run_id") REFERENCES "runs" ("run_id")
);

-- evidence: one row per claim (pipeline.schema.EVIDENCE)
CREATE TABLE IF NOT EXISTS "evidence" (
    "claim_id" TEXT NOT NULL, -- str: stable id: hash of doc_id, sentence text and its occurrence number
    "doc_id" TEXT NOT NULL, -- str: document id: PMID, else PMCID, else file stem
    "section" TEXT NOT NULL, -- str: section the sentence is in (title, abstract, results, a heading, ...)
    "sentence_index" BIGINT NOT NULL, -- int: 0-based index of the sentence in the document
    "char_start" BIGINT NOT NULL, -- int: start offset of the sentence in the original text
    "char_end" BIGINT NOT NULL, -- int: end offset (exclusive)
    "sentence" TEXT NOT NULL, -- str: the sentence text
    "claim_type" TEXT NOT NULL CHECK ("claim_type" IN ('finding', 'background', 'aim', 'hypothesis', 'method')), -- str: role of the sentence
    "citations" TEXT NOT NULL, -- list[int], items joined by ';': reference numbers cited: [9][10][11] and [9-11] give 9;10;11
    "study_type" TEXT NOT NULL CHECK ("study_type" IN ('in_vivo', 'in_vitro', 'clinical', 'review_statement', 'unknown')), -- str: kind of evidence
    "species" TEXT NOT NULL, -- list[str], items joined by ';': species of the study subjects (KB canonical names)
    "species_ids" TEXT NOT NULL, -- list[str], items joined by ';': ontology ids of `species`, aligned with it ('' where the KB has no verified id)
    "cell_source" TEXT NOT NULL, -- list[str], items joined by ';': tissue of origin of the cells
    "cell_source_ids" TEXT NOT NULL, -- list[str], items joined by ';': ontology ids of `cell_source`, aligned with it ('' where the KB has no verified id)
    "cell_origin" TEXT NOT NULL, -- list[str], items joined by ';': autologous/allogeneic/syngeneic/xenogeneic or donor species
    "cell_product" TEXT NOT NULL, -- list[str], items joined by ';': what was given: msc, extracellular vesicles, exosomes, ...
    "cell_product_ids" TEXT NOT NULL, -- list[str], items joined by ';': ontology ids of `cell_product`, aligned with it ('' where the KB has no verified id)
    "injury_model" TEXT NOT NULL, -- list[str], items joined by ';': how the kidney injury was caused
    "injury_model_ids" TEXT NOT NULL, -- list[str], items joined by ';': ontology ids of `injury_model`, aligned with it ('' where the KB has no verified id)
    "mediators" TEXT NOT NULL, -- list[str], items joined by ';': molecules and mechanisms of action
    "mediators_ids" TEXT NOT NULL, -- list[str], items joined by ';': ontology ids of `mediators`, aligned with it ('' where the KB has no verified id)
    "outcomes" TEXT NOT NULL, -- list[str], items joined by ';': what was measured
    "outcomes_ids" TEXT NOT NULL, -- list[str], items joined by ';': ontology ids of `outcomes`, aligned with it ('' where the KB has no verified id)
    "effect_direction" TEXT NOT NULL CHECK ("effect_direction" IN ('beneficial', 'no_effect', 'harmful', 'mixed', 'unclear')), -- str: direction of the effect stated
    "negated" BOOLEAN NOT NULL, -- bool: the sentence is negated
    "hedged" BOOLEAN NOT NULL, -- bool: the sentence is hedged (may, suggest, potential, ...)
    "outcome_effects" TEXT NOT NULL, -- list[str], items joined by ';': each outcome with its own direction: `outcome:direction`
    "inherited" TEXT NOT NULL, -- list[str], items joined by ';': fields filled from the context set earlier in the document
    "dose" TEXT NOT NULL, -- list[str], items joined by ';': dose expressions as written
    "dose_value" TEXT NOT NULL, -- list[float], items joined by ';': numeric value of each dose (2 x 10^6 -> 2000000.0), aligned with `dose`
    "dose_unit" TEXT NOT NULL, -- list[str], items joined by ';': unit of each dose: cells, cells/kg, ug, ug/kg, particles, ml, ul, % v/v (conditioned medium), ... ('' if none)
    "route" TEXT NOT NULL, -- list[str], items joined by ';': routes of administration
    "timing" TEXT NOT NULL, -- list[str], items joined by ';': timing relative to the injury: before injury, at injury, `<N> <unit> after injury`, after injury, repeated
    "timing_text" TEXT NOT NULL, -- list[str], items joined by ';': the timing phrases as written, lower-case
    "trial_id" TEXT NOT NULL, -- list[str], items joined by ';': trial registry ids (NCT..., ISRCTN..., ...)
    "trial_phase" TEXT NOT NULL, -- list[str], items joined by ';': trial phase stated: 1, 2, 3, 1/2
    "n_patients" TEXT NOT NULL, -- list[int], items joined by ';': numbers of patients stated
    "cell_line" TEXT NOT NULL, -- list[str], items joined by ';': in-vitro cell lines named (HK-2, NRK-52E, ...)
    "cited_references" TEXT NOT NULL, -- list[str], items joined by ';': the cited references from the document's reference list, `n: first author year` (see references.csv)
    "confidence" DOUBLE PRECISION NOT NULL, -- float: 0-1: how sure the extraction is (see README)
    "doc_pmid" TEXT NOT NULL, -- str: PubMed id of the document ('' when the input does not give it)
    "doc_pmcid" TEXT NOT NULL, -- str: PubMed Central id of the document, `PMC...` ('' when the input does not give it)
    "doc_doi" TEXT NOT NULL, -- str: DOI of the document ('' when the input does not give it)
    "doc_title" TEXT NOT NULL, -- str: title of the document ('' when the input does not give it)
    "doc_journal" TEXT NOT NULL, -- str: journal of the document ('' when the input does not give it)
    "doc_year" TEXT NOT NULL, -- str: publication year of the document ('' when the input does not give it)
    "doc_authors" TEXT NOT NULL, -- str: authors of the document as `Surname Initials`, `;`-joined ('' when the input does not give it)
    "run_id" TEXT NOT NULL, -- str: the export run that last wrote this row (see `runs`)
    "pipeline_version" TEXT NOT NULL, -- str: version of the pipeline that extracted the row's document: release+code/KB hash, from run_report.json
    "exported_at" TEXT NOT NULL, -- str: when this row was last written (UTC, ISO 8601)
    PRIMARY KEY ("claim_id"),
    FOREIGN KEY ("run_id") REFERENCES "runs" ("run_id")
);

CREATE INDEX IF NOT EXISTS "evidence_doc_id_idx" ON "evidence" ("doc_id");

CREATE INDEX IF NOT EXISTS "evidence_effect_direction_idx" ON "evidence" ("effect_direction");

CREATE INDEX IF NOT EXISTS "evidence_study_type_idx" ON "evidence" ("study_type");

CREATE INDEX IF NOT EXISTS "evidence_claim_type_idx" ON "evidence" ("claim_type");

-- mentions: every entity mention (pipeline.schema.MENTIONS); mention_id is added by the export
CREATE TABLE IF NOT EXISTS "mentions" (
    "mention_id" TEXT NOT NULL, -- str: stable id: first 16 hex digits of sha1(doc_id, char_start, char_end, concept_id joined by \x1f)
    "doc_id" TEXT NOT NULL, -- str: document id
    "sentence_index" BIGINT NOT NULL, -- int: sentence the mention is in
    "claim_id" TEXT, -- str: claim row built from the sentence: NULL in the export ('' in the pipeline's files) when the sentence made none
    "char_start" BIGINT NOT NULL, -- int: start offset in the original text
    "char_end" BIGINT NOT NULL, -- int: end offset (exclusive)
    "text" TEXT NOT NULL, -- str: the mention as written
    "category" TEXT NOT NULL, -- str: KB category, or the NER label when the KB does not know it
    "concept_id" TEXT NOT NULL, -- str: KB concept id ('' when not normalized)
    "canonical_name" TEXT NOT NULL, -- str: KB canonical name
    "ontology_id" TEXT NOT NULL, -- str: verified ontology id, or ''
    "method" TEXT NOT NULL, -- str: dictionary | compound | abbreviation | ner:<label>, +linker when linked
    "score" DOUBLE PRECISION NOT NULL, -- float: 1.0 for exact matches, the linker's similarity otherwise
    "run_id" TEXT NOT NULL, -- str: the export run that last wrote this row (see `runs`)
    "pipeline_version" TEXT NOT NULL, -- str: version of the pipeline that extracted the row's document: release+code/KB hash, from run_report.json
    "exported_at" TEXT NOT NULL, -- str: when this row was last written (UTC, ISO 8601)
    PRIMARY KEY ("mention_id"),
    FOREIGN KEY ("claim_id") REFERENCES "evidence" ("claim_id"),
    FOREIGN KEY ("run_id") REFERENCES "runs" ("run_id")
);

CREATE INDEX IF NOT EXISTS "mentions_doc_id_idx" ON "mentions" ("doc_id");

CREATE INDEX IF NOT EXISTS "mentions_claim_id_idx" ON "mentions" ("claim_id");

CREATE INDEX IF NOT EXISTS "mentions_concept_id_idx" ON "mentions" ("concept_id");

CREATE INDEX IF NOT EXISTS "mentions_category_idx" ON "mentions" ("category");

-- studies: one row per study arm per document (pipeline.schema.STUDIES)
CREATE TABLE IF NOT EXISTS "studies" (
    "arm_id" TEXT NOT NULL, -- str: stable id of the arm: hash of doc_id and the arm's set-up and product
    "doc_id" TEXT NOT NULL, -- str: document id
    "study_type" TEXT NOT NULL CHECK ("study_type" IN ('in_vivo', 'in_vitro', 'clinical', 'review_statement', 'unknown')), -- str: kind of evidence
    "species" TEXT NOT NULL, -- list[str], items joined by ';': species of the study subjects
    "injury_model" TEXT NOT NULL, -- list[str], items joined by ';': injury model(s) of the set-up
    "cell_product" TEXT NOT NULL, -- str: the product given in this arm
    "cell_source" TEXT NOT NULL, -- list[str], items joined by ';': tissue of origin of the cells
    "cell_origin" TEXT NOT NULL, -- list[str], items joined by ';': donor: autologous/allogeneic/... or donor species
    "dose" TEXT NOT NULL, -- list[str], items joined by ';': doses as written
    "route" TEXT NOT NULL, -- list[str], items joined by ';': routes
    "timing" TEXT NOT NULL, -- list[str], items joined by ';': timing relative to the injury
    "outcome_effects" TEXT NOT NULL, -- list[str], items joined by ';': outcomes with their directions (`mixed` when claims disagree)
    "effect_direction" TEXT NOT NULL CHECK ("effect_direction" IN ('beneficial', 'no_effect', 'harmful', 'mixed', 'unclear')), -- str: summary direction of the arm
    "trial_id" TEXT NOT NULL, -- list[str], items joined by ';': trial registry ids
    "trial_phase" TEXT NOT NULL, -- list[str], items joined by ';': trial phase
    "n_patients" TEXT NOT NULL, -- list[int], items joined by ';': patients stated
    "cell_line" TEXT NOT NULL, -- list[str], items joined by ';': cell lines of an in-vitro arm
    "claim_ids" TEXT NOT NULL, -- list[str], items joined by ';': the claims (evidence rows) the arm was built from
    "doc_pmid" TEXT NOT NULL, -- str: PubMed id of the document ('' when the input does not give it)
    "doc_pmcid" TEXT NOT NULL, -- str: PubMed Central id of the document, `PMC...` ('' when the input does not give it)
    "doc_doi" TEXT NOT NULL, -- str: DOI of the document ('' when the input does not give it)
    "doc_title" TEXT NOT NULL, -- str: title of the document ('' when the input does not give it)
    "doc_journal" TEXT NOT NULL, -- str: journal of the document ('' when the input does not give it)
    "doc_year" TEXT NOT NULL, -- str: publication year of the document ('' when the input does not give it)
    "doc_authors" TEXT NOT NULL, -- str: authors of the document as `Surname Initials`, `;`-joined ('' when the input does not give it)
    "run_id" TEXT NOT NULL, -- str: the export run that last wrote this row (see `runs`)
    "pipeline_version" TEXT NOT NULL, -- str: version of the pipeline that extracted the row's document: release+code/KB hash, from run_report.json
    "exported_at" TEXT NOT NULL, -- str: when this row was last written (UTC, ISO 8601)
    PRIMARY KEY ("arm_id"),
    FOREIGN KEY ("run_id") REFERENCES "runs" ("run_id")
);

CREATE INDEX IF NOT EXISTS "studies_doc_id_idx" ON "studies" ("doc_id");

CREATE INDEX IF NOT EXISTS "studies_study_type_idx" ON "studies" ("study_type");

CREATE INDEX IF NOT EXISTS "studies_effect_direction_idx" ON "studies" ("effect_direction");

CREATE INDEX IF NOT EXISTS "studies_cell_product_idx" ON "studies" ("cell_product");

-- references: the parsed reference list of each document (pipeline.schema.REFERENCES); quote the name in SQL
CREATE TABLE IF NOT EXISTS "references" (
    "doc_id" TEXT NOT NULL, -- str: the citing document
    "number" BIGINT NOT NULL, -- int: the reference number used in the text's citations
    "authors" TEXT NOT NULL, -- str: authors as written ('' when not parsed)
    "year" BIGINT NOT NULL, -- int: publication year (0 when not found)
    "title" TEXT NOT NULL, -- str: title ('' when not parsed)
    "journal" TEXT NOT NULL, -- str: journal ('' when not parsed)
    "pmid" TEXT NOT NULL, -- str: PubMed id when the entry gives one
    "doi" TEXT NOT NULL, -- str: DOI when the entry gives one
    "text" TEXT NOT NULL, -- str: the entry as written
    "cited_by" TEXT NOT NULL, -- list[str], items joined by ';': claim ids of the evidence rows that cite it
    "run_id" TEXT NOT NULL, -- str: the export run that last wrote this row (see `runs`)
    "pipeline_version" TEXT NOT NULL, -- str: version of the pipeline that extracted the row's document: release+code/KB hash, from run_report.json
    "exported_at" TEXT NOT NULL, -- str: when this row was last written (UTC, ISO 8601)
    PRIMARY KEY ("doc_id", "number"),
    FOREIGN KEY ("run_id") REFERENCES "runs" ("run_id")
);

CREATE INDEX IF NOT EXISTS "references_pmid_idx" ON "references" ("pmid");

CREATE INDEX IF NOT EXISTS "references_doi_idx" ON "references" ("doi");

-- decisions: the latest reviewer decision per claim; never deleted by an export, no foreign key to evidence
CREATE TABLE IF NOT EXISTS "decisions" (
    "claim_id" TEXT NOT NULL, -- str: the claim decided on; kept when the claim is gone (see orphaned_decisions)
    "status" TEXT NOT NULL CHECK ("status" IN ('accepted', 'rejected', 'edited')), -- str: the reviewer's decision
    "edits" TEXT NOT NULL, -- str: JSON object: field -> new value ('{}' when none)
    "comment" TEXT NOT NULL, -- str: the reviewer's comment
    "reviewer" TEXT NOT NULL, -- str: who decided
    "decided_at" TEXT NOT NULL, -- str: when (as written by the review page; the newest decision of a claim wins)
    "doc_id" TEXT NOT NULL, -- str: document of the claim when decided ('' when the review database does not record it)
    "sentence" TEXT NOT NULL, -- str: sentence of the claim when decided ('' when the review database does not record it)
    "run_id" TEXT NOT NULL, -- str: the export run that last wrote this row (see `runs`)
    "pipeline_version" TEXT NOT NULL, -- str: version of the pipeline that extracted the row's document: release+code/KB hash, from run_report.json
    "exported_at" TEXT NOT NULL, -- str: when this row was last written (UTC, ISO 8601)
    PRIMARY KEY ("claim_id"),
    FOREIGN KEY ("run_id") REFERENCES "runs" ("run_id")
);

CREATE INDEX IF NOT EXISTS "decisions_status_idx" ON "decisions" ("status");

CREATE INDEX IF NOT EXISTS "decisions_doc_id_idx" ON "decisions" ("doc_id");

-- decision_log: every reviewer decision ever exported (append-only)
CREATE TABLE IF NOT EXISTS "decision_log" (
    "log_id" TEXT NOT NULL, -- str: stable id: first 16 hex digits of sha1 of the entry's fields (the review database's own id is local)
    "claim_id" TEXT NOT NULL, -- str: the claim decided on; kept when the claim is gone (see orphaned_decisions)
    "status" TEXT NOT NULL CHECK ("status" IN ('accepted', 'rejected', 'edited')), -- str: the reviewer's decision
    "edits" TEXT NOT NULL, -- str: JSON object: field -> new value ('{}' when none)
    "comment" TEXT NOT NULL, -- str: the reviewer's comment
    "reviewer" TEXT NOT NULL, -- str: who decided
    "decided_at" TEXT NOT NULL, -- str: when (as written by the review page; the newest decision of a claim wins)
    "previous" TEXT, -- str: the decision it replaced, as recorded by the review page
    "run_id" TEXT NOT NULL, -- str: the export run that last wrote this row (see `runs`)
    "pipeline_version" TEXT NOT NULL, -- str: version of the pipeline that extracted the row's document: release+code/KB hash, from run_report.json
    "exported_at" TEXT NOT NULL, -- str: when this row was last written (UTC, ISO 8601)
    PRIMARY KEY ("log_id"),
    FOREIGN KEY ("run_id") REFERENCES "runs" ("run_id")
);

CREATE INDEX IF NOT EXISTS "decision_log_claim_id_idx" ON "decision_log" ("claim_id");

CREATE VIEW "orphaned_decisions" AS
SELECT d.* FROM "decisions" d
WHERE NOT EXISTS (SELECT 1 FROM "evidence" e WHERE e."claim_id" = d."claim_id");
