from pipeline.tokenizer import split_check


def test_hyphenated_modifiers_are_split():
    assert split_check("cisplatin-induced AKI") == ["cisplatin", "-", "induced", "AKI"]
    assert split_check("MSC-derived bone-marrow") == ["MSC", "-", "derived", "bone", "-", "marrow"]
    assert split_check("IL-2-induced") == ["IL-2", "-", "induced"]


def test_slashes_are_split():
    assert split_check("IGF-1/HGF") == ["IGF-1", "/", "HGF"]
    assert split_check("I/R injury") == ["I", "/", "R", "injury"]


def test_names_with_hyphens_stay_whole():
    assert split_check("IL-2 miR-199a-3p NF-kB TNF-alpha TNF-α BM-MSCs 5-fluorouracil") == [
        "IL-2",
        "miR-199a-3p",
        "NF-kB",
        "TNF-alpha",
        "TNF-α",
        "BM-MSCs",
        "5-fluorouracil",
    ]


def test_glued_period_and_latin_abbreviations():
    assert split_check("humans.Bianchi F") == ["humans", ".", "Bianchi", "F"]
    assert split_check("tissue [8] .There") == ["tissue", "[", "8", "]", ".", "There"]
    assert split_check("given i.v. and i.p., e.g. mice") == ["given", "i.v.", "and", "i.p.", ",", "e.g.", "mice"]


def test_short_form_in_parentheses_before_a_modifier():
    assert split_check("Folic acid (FA)-induced AKI; cisplatin (CDDP)-treated mice; (R)-ketamine") == [
        "Folic",
        "acid",
        "(",
        "FA",
        ")",
        "-",
        "induced",
        "AKI",
        ";",
        "cisplatin",
        "(",
        "CDDP",
        ")",
        "-",
        "treated",
        "mice",
        ";",
        "(R)-ketamine",
    ]
