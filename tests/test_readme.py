"""The README documents what the code does: the schema, the commands, the CLI."""

from pathlib import Path

from pipeline.cli import build_parser
from pipeline.schema import EVIDENCE, MENTIONS, schema_markdown

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
CI = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_has_the_declared_schemas():
    assert schema_markdown(EVIDENCE) in README
    assert schema_markdown(MENTIONS) in README


def test_readme_commands_and_ci():
    assert "make run" in README and "make test" in README
    assert "make test" in CI


def test_readme_lists_every_extract_option():
    extract = build_parser()._subparsers._group_actions[0].choices["extract"]
    for action in extract._actions:
        for option in action.option_strings:
            if option.startswith("--") and option != "--help":
                assert option in README, option
