"""pipeline.kb: the real knowledge base, errors on small KB folders, the content hash and the linker index."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from scispacy.candidate_generation import CandidateGenerator, LinkerPaths

from pipeline import paths
from pipeline.kb import (
    CATEGORIES,
    KnowledgeBaseError,
    build_linker_index,
    linker_index_dir,
    load_candidate_generator,
    load_kb,
    scispacy_entities,
)

ANNOTATION = Path(__file__).resolve().parent.parent / "docs" / "ANNOTATION.md"

# ---------------------------------------------------------------------------------------------- real KB


def test_real_kb_size_categories_and_ids(kb):
    assert len(kb.concepts) > 200
    assert {c.category for c in kb.concepts.values()} == set(CATEGORIES)
    assert re.fullmatch(r"[0-9a-f]{16}", kb.content_hash)
    expected = {
        "species:mouse": "NCBITaxon:10090",
        "species:rat": "NCBITaxon:10116",
        "species:human": "NCBITaxon:9606",
        "injury_model:acute kidney injury": "MESH:D058186",
        "injury_model:ischemia-reperfusion injury": "MESH:D015427",
        "cell_source:bone marrow": "UBERON:0002371",
        "cell_product:msc": "CL:0000134",
    }
    assert {cid: kb.concepts[cid].ontology_id for cid in expected} == expected
    mouse = kb.concepts["species:mouse"]
    assert (mouse.canonical_name, mouse.category) == ("mouse", "species")
    assert "mice" in mouse.synonyms and "BALB/c" in mouse.abbreviations


def test_real_kb_ids_are_category_and_canonical_name(kb):
    wrong = [cid for cid, c in kb.concepts.items() if cid != f"{c.category}:{c.canonical_name}"]
    assert wrong == []
    assert all(c.canonical_name == c.canonical_name.lower() for c in kb.concepts.values())


def test_real_kb_compounds_and_parts(kb):
    compounds = {c.term: c for c in kb.compounds}
    assert compounds["BM-MSC"].concepts == ("cell_source:bone marrow", "cell_product:msc")
    assert compounds["hBM-MSC"].origin == "human"
    assert kb.parts["MSC"] == {"concepts": ["cell_product:msc"]}
    assert kb.parts["BMSC"] == {"concepts": ["cell_source:bone marrow", "cell_product:msc"]}
    assert all(cid in kb.concepts for c in kb.compounds for cid in c.concepts)


def test_load_kb_default_is_models_kb_and_cached(kb):
    assert load_kb() is kb
    assert load_kb(paths.KB_DIR) is kb


def test_lookup_by_name_synonym_and_abbreviation(kb):
    assert kb.lookup("species", "mouse").concept_id == "species:mouse"
    assert kb.lookup("species", " Mice ").concept_id == "species:mouse"
    assert kb.lookup("species", "rattus norvegicus").concept_id == "species:rat"
    assert kb.lookup("cell_source", "marrow").concept_id == "cell_source:bone marrow"
    assert kb.lookup("injury_model", "AKI").concept_id == "injury_model:acute kidney injury"
    assert kb.lookup("injury_model", "ARF").concept_id == "injury_model:acute kidney injury"
    assert kb.lookup("injury_model", "I/R").concept_id == "injury_model:ischemia-reperfusion injury"
    assert kb.lookup("outcome", "BUN").concept_id == "outcome:blood urea nitrogen"
    assert kb.lookup("outcome", "SCr").concept_id == "outcome:serum creatinine"
    assert kb.lookup("mediator", "hepatocyte growth factor").concept_id == "mediator:hgf"
    assert kb.lookup("cell_product", "MSCs").concept_id == "cell_product:msc"
    # the category scopes the lookup; unknown values give None
    assert kb.lookup("species", "marrow") is None
    assert kb.lookup("outcome", "AKI") is None
    assert kb.lookup("species", "unicorn") is None


def _annotation_values() -> dict[str, list[str]]:
    fields = {
        "species": "species",
        "cell_source": "cell_source",
        "cell_origin": "cell_origin",
        "cell_product": "cell_product",
        "injury_model": "injury_model",
        "mediators": "mediator",
        "outcomes": "outcome",
    }
    values = {}
    for line in ANNOTATION.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| `(\w+)` \|[^|]*\| (.*) \|$", line)
        if m and m.group(1) in fields:
            values[fields[m.group(1)]] = re.findall(r"`([^`]+)`", m.group(2))
    return values


@pytest.mark.parametrize(
    "category",
    [
        "species",
        "cell_source",
        "cell_origin",
        "cell_product",
        "injury_model",
        "mediator",
        "outcome",
    ],
)
def test_every_annotation_value_is_a_kb_canonical_name(kb, category):
    values = _annotation_values()[category]
    assert len(values) >= (4 if category == "cell_origin" else 10)
    assert [v for v in values if v not in kb.canonical_names(category)] == []


# ---------------------------------------------------------------------------------------------- small KB folders


def concept(cid: str, synonyms=(), abbreviations=(), **kw) -> dict:
    category, name = cid.split(":", 1)
    return {
        "concept_id": cid,
        "canonical_name": name,
        "category": category,
        "synonyms": list(synonyms),
        "abbreviations": list(abbreviations),
        **kw,
    }


TINY = [
    concept(
        "injury_model:ischemia-reperfusion injury",
        ["ischemia-reperfusion injury", "ischaemia reperfusion injury", "renal ischemia"],
        ["IRI"],
        ontology_id="MESH:D015427",
    ),
    concept("injury_model:acute kidney injury", ["acute kidney injury", "acute renal injury"], ["AKI"]),
    concept("injury_model:cisplatin", ["cisplatin", "cisplatin nephrotoxicity"]),
    concept("outcome:serum creatinine", ["serum creatinine", "creatinine"], ["SCr"]),
    concept("outcome:tubular injury", ["tubular injury", "tubular damage"]),
    concept("species:mouse", ["mouse", "mice", "murine"]),
    concept("cell_source:bone marrow", ["bone marrow", "marrow"]),
    concept("cell_product:msc", ["msc", "mesenchymal stem cell"], ["MSC", "MSCs"]),
]


def write_kb(directory: Path, concepts=TINY, compounds=None, parts=None, raw_concepts: str | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    text = raw_concepts if raw_concepts is not None else "".join(json.dumps(c) + "\n" for c in concepts)
    (directory / "concepts.jsonl").write_text(text, encoding="utf-8")
    if compounds is not None:
        (directory / "compounds.jsonl").write_text("".join(json.dumps(c) + "\n" for c in compounds), encoding="utf-8")
    if parts is not None:
        (directory / "compound_parts.json").write_text(json.dumps(parts), encoding="utf-8")
    return directory


BM_MSC = {"term": "BM-MSC", "case_sensitive": True, "concepts": ["cell_source:bone marrow", "cell_product:msc"]}


def test_load_small_kb(tmp_path):
    kb = load_kb(write_kb(tmp_path / "kb", compounds=[BM_MSC], parts={"BM": {"concepts": ["cell_source:bone marrow"]}}))
    assert list(kb.concepts) == [c["concept_id"] for c in TINY]
    iri = kb.concepts["injury_model:ischemia-reperfusion injury"]
    assert (iri.abbreviations, iri.ontology_id, iri.id_source) == (("IRI",), "MESH:D015427", "")
    assert iri.requires_context is False
    assert [(c.term, c.concepts, c.case_sensitive, c.origin) for c in kb.compounds] == [
        ("BM-MSC", ("cell_source:bone marrow", "cell_product:msc"), True, "")
    ]
    assert kb.parts == {"BM": {"concepts": ["cell_source:bone marrow"]}}
    assert kb.canonical_names("injury_model") == ["acute kidney injury", "cisplatin", "ischemia-reperfusion injury"]
    assert [c.concept_id for c in kb.by_category("outcome")] == ["outcome:serum creatinine", "outcome:tubular injury"]
    assert kb.lookup("injury_model", "iri").concept_id == "injury_model:ischemia-reperfusion injury"


def test_invalid_json_names_file_and_line(tmp_path):
    lines = [json.dumps(TINY[0]), "", '{"concept_id": "species:rat", "canonical_name": "rat",', json.dumps(TINY[1])]
    directory = write_kb(tmp_path / "kb", raw_concepts="\n".join(lines) + "\n")
    with pytest.raises(KnowledgeBaseError) as err:
        load_kb(directory)
    assert str(err.value).startswith(f"{directory / 'concepts.jsonl'}:3: invalid JSON (")


def test_unknown_category_names_file_and_line(tmp_path):
    directory = write_kb(tmp_path / "kb", [TINY[0], concept("tissue:kidney", ["kidney"])])
    with pytest.raises(KnowledgeBaseError) as err:
        load_kb(directory)
    assert str(err.value) == f"{directory / 'concepts.jsonl'}:2: unknown category 'tissue'"


def test_duplicate_concept_id_names_file_and_line(tmp_path):
    directory = write_kb(tmp_path / "kb", [TINY[0], TINY[1], concept("injury_model:cisplatin"), TINY[1]])
    with pytest.raises(KnowledgeBaseError) as err:
        load_kb(directory)
    path = directory / "concepts.jsonl"
    assert str(err.value) == f"{path}:4: duplicate concept_id 'injury_model:acute kidney injury'"


def test_missing_field_names_file_and_line(tmp_path):
    broken = {k: v for k, v in TINY[1].items() if k != "category"}
    directory = write_kb(tmp_path / "kb", [TINY[0], broken])
    with pytest.raises(KnowledgeBaseError) as err:
        load_kb(directory)
    assert str(err.value) == f"{directory / 'concepts.jsonl'}:2: missing field 'category'"


def test_compound_naming_unknown_concept(tmp_path):
    exo = {"term": "MSC-Exo", "concepts": ["cell_product:msc", "cell_product:exosomes"]}
    directory = write_kb(tmp_path / "kb", compounds=[BM_MSC, exo])
    with pytest.raises(KnowledgeBaseError) as err:
        load_kb(directory)
    path = directory / "compounds.jsonl"
    assert str(err.value) == f"{path}:2: unknown concept(s) ['cell_product:exosomes']"


def test_compound_without_term(tmp_path):
    directory = write_kb(tmp_path / "kb", compounds=[{"term": "", "concepts": ["cell_product:msc"]}])
    with pytest.raises(KnowledgeBaseError, match=r"compounds\.jsonl:1: expected an object with 'term' and 'concepts'"):
        load_kb(directory)


def test_part_naming_unknown_concept(tmp_path):
    parts = {"MSC": {"concepts": ["cell_product:msc"]}, "EV": {"concepts": ["x:y"]}}
    directory = write_kb(tmp_path / "kb", parts=parts)
    with pytest.raises(KnowledgeBaseError) as err:
        load_kb(directory)
    assert str(err.value) == f"{directory / 'compound_parts.json'}: part 'EV' names unknown concept 'x:y'"


def test_missing_concepts_file(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(KnowledgeBaseError) as err:
        load_kb(tmp_path / "empty")
    assert str(err.value) == f"{tmp_path / 'empty' / 'concepts.jsonl'}: knowledge-base file not found"


def test_invalid_compound_parts_json_is_a_kb_error(tmp_path):
    directory = write_kb(tmp_path / "kb")
    (directory / "compound_parts.json").write_text('{"MSC": {"concepts": ["cell_product:msc"]},}', encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=re.escape(str(directory / "compound_parts.json"))):
        load_kb(directory)


def test_compound_without_concepts_is_a_kb_error(tmp_path):
    directory = write_kb(tmp_path / "kb", compounds=[BM_MSC, {"term": "MSC-EV"}])
    with pytest.raises(KnowledgeBaseError, match=r"compounds\.jsonl:2"):
        load_kb(directory)


def test_non_object_concept_line_is_a_kb_error(tmp_path):
    directory = write_kb(tmp_path / "kb", raw_concepts=json.dumps(TINY[0]) + '\n["species:rat", "rat"]\n')
    with pytest.raises(KnowledgeBaseError, match=r"concepts\.jsonl:2"):
        load_kb(directory)


def test_content_hash_follows_every_file(tmp_path):
    original = write_kb(tmp_path / "a", compounds=[BM_MSC], parts={"BM": {"concepts": ["cell_source:bone marrow"]}})
    copy = tmp_path / "b"
    shutil.copytree(original, copy)
    base = load_kb(original).content_hash
    assert load_kb(copy).content_hash == base  # same bytes, same hash

    changed = tmp_path / "c"
    shutil.copytree(original, changed)
    with (changed / "concepts.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(concept("species:rat", ["rat"])) + "\n")
    compounds = tmp_path / "d"
    shutil.copytree(original, compounds)
    (compounds / "compounds.jsonl").write_text(json.dumps({**BM_MSC, "origin": "human"}) + "\n", encoding="utf-8")
    parts = tmp_path / "e"
    shutil.copytree(original, parts)
    (parts / "compound_parts.json").write_text(json.dumps({"MSC": {"concepts": ["cell_product:msc"]}}))
    no_parts = tmp_path / "f"
    shutil.copytree(original, no_parts)
    (no_parts / "compound_parts.json").unlink()

    hashes = [load_kb(d).content_hash for d in (original, changed, compounds, parts, no_parts)]
    assert len(set(hashes)) == 5


# ---------------------------------------------------------------------------------------------- linker index


INDEX_FILES = ["concept_aliases.json", "nmslib_index.bin", "tfidf_vectorizer.joblib", "tfidf_vectors_sparse.npz"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A tiny KB and its linker index, built once into a temporary cache folder (never into the repo)."""
    root = tmp_path_factory.mktemp("tiny-kb")
    kb = load_kb(write_kb(root / "kb"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(paths, "CACHE_DIR", root / "cache")
        directory = build_linker_index(kb)
        yield kb, directory


def test_scispacy_entities_carry_aliases_and_types(tiny):
    kb, _ = tiny
    entities = {e.concept_id: e for e in scispacy_entities(kb)}
    iri = entities["injury_model:ischemia-reperfusion injury"]
    assert iri.canonical_name == "ischemia-reperfusion injury"
    assert iri.aliases == sorted(set(iri.aliases))
    assert {"IRI", "ischaemia reperfusion injury", "renal ischemia"} <= set(iri.aliases)
    assert "ischemia-reperfusion injury" not in iri.aliases  # the canonical name is not repeated as an alias
    assert iri.types == ["injury_model"]
    assert {"MSC", "MSCs", "mesenchymal stem cell"} <= set(entities["cell_product:msc"].aliases)
    assert set(entities) == set(kb.concepts)


def test_build_linker_index_writes_the_scispacy_layout(tiny):
    kb, directory = tiny
    assert directory == linker_index_dir(kb)
    assert directory.parent == paths.CACHE_DIR and kb.content_hash in directory.name
    assert directory.parent.parent.name.startswith("tiny-kb")
    assert sorted(p.name for p in directory.iterdir()) == INDEX_FILES
    assert sorted(p.name for p in directory.parent.iterdir()) == [directory.name]  # no temporary folder left
    assert LinkerPaths.from_directory(directory).is_locally_cached()
    aliases = json.loads((directory / "concept_aliases.json").read_text(encoding="utf-8"))
    expected = {c.canonical_name for c in kb.concepts.values()}
    expected |= {a for c in kb.concepts.values() for a in (*c.synonyms, *c.abbreviations)}
    assert aliases == sorted(set(aliases))
    assert expected <= set(aliases)


def test_build_linker_index_reuses_a_complete_index(tiny):
    kb, directory = tiny
    stamps = {p.name: p.stat().st_mtime_ns for p in directory.iterdir()}
    assert build_linker_index(kb) == directory
    assert {p.name: p.stat().st_mtime_ns for p in directory.iterdir()} == stamps


def top_candidate(generator, text: str) -> str:
    [candidates] = generator([text], 10)
    return max(candidates, key=lambda c: max(c.similarities)).concept_id


def test_candidate_generator_links_misspelled_aliases(tiny):
    kb, directory = tiny
    aliases, vectorizer, index = LinkerPaths.from_directory(directory).load(ef_search=200)
    from scispacy.linking_utils import KnowledgeBase as SciKB

    generator = CandidateGenerator(index, vectorizer, aliases, SciKB(list(scispacy_entities(kb))))
    assert top_candidate(generator, "ischaemia reperfusion injry") == "injury_model:ischemia-reperfusion injury"
    assert top_candidate(generator, "serum creatinin") == "outcome:serum creatinine"
    assert top_candidate(generator, "tubular damages") == "outcome:tubular injury"
    assert top_candidate(generator, "cisplatin nephrotoxicty") == "injury_model:cisplatin"
    [candidates] = generator(["ischaemia reperfusion injry"], 10)
    best = max(candidates, key=lambda c: max(c.similarities))
    assert max(best.similarities) > 0.9


def test_load_candidate_generator_uses_the_cached_index(tiny, monkeypatch):
    kb, directory = tiny
    monkeypatch.setattr(paths, "CACHE_DIR", directory.parent)
    generator = load_candidate_generator(kb)
    assert top_candidate(generator, "mesenchymal stem cels") == "cell_product:msc"
    assert sorted(p.name for p in directory.parent.iterdir()) == [directory.name]


def test_build_linker_index_into_an_explicit_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "CACHE_DIR", tmp_path / "cache")
    kb = load_kb(write_kb(tmp_path / "kb", TINY[:3]))
    out = build_linker_index(kb, tmp_path / "index")
    assert out == tmp_path / "index"
    assert sorted(p.name for p in out.iterdir()) == INDEX_FILES
    assert not (tmp_path / "cache").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index", "kb"]


def test_build_linker_index_repairs_an_incomplete_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "CACHE_DIR", tmp_path / "cache")
    kb = load_kb(write_kb(tmp_path / "kb", TINY[:3]))
    out = tmp_path / "index"
    out.mkdir()
    (out / "concept_aliases.json").write_text("[]", encoding="utf-8")
    assert LinkerPaths.from_directory(build_linker_index(kb, out)).is_locally_cached()


def test_spelling_variants_of_a_synonym(kb):
    assert kb.spelling_variants("tumour necrosis factor") == {"tumour necrosis factor", "tumor necrosis factor"}
    assert kb.spelling_variants("caecal ligation") == {"caecal ligation", "cecal ligation"}
    # a stem inside a word is no stem: "chemokine" stays
    assert kb.spelling_variants("chemokine") == {"chemokine"}


def test_spellings_file_must_hold_pairs(tmp_path):
    (tmp_path / "concepts.jsonl").write_text(
        '{"concept_id": "outcome:x", "canonical_name": "x", "category": "outcome"}\n'
    )
    (tmp_path / "spellings.json").write_text('{"pairs": [["tumour"]]}')
    with pytest.raises(KnowledgeBaseError, match="spellings.json"):
        load_kb(tmp_path)


def test_wider_conditions_are_transitive(kb):
    assert kb.wider()["cecal ligation and puncture"] == {"sepsis", "acute kidney injury"}
    assert kb.wider()["gentamicin"] == {"aminoglycosides", "nephrotoxicity", "acute kidney injury"}
    assert "kidney transplantation" not in kb.wider()["delayed graft function"]  # a complication, not a kind of it


def test_unknown_broader_concept_names_the_file(tmp_path):
    (tmp_path / "concepts.jsonl").write_text(
        '{"concept_id": "injury_model:x", "canonical_name": "x", "category": "injury_model", '
        '"broader": ["injury_model:y"]}\n'
    )
    with pytest.raises(KnowledgeBaseError, match="unknown broader"):
        load_kb(tmp_path)
