"""``countersight eval`` (score the extractor on gold passages) and ``countersight train``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from countersight.publish.cli.common import err_console, print_json


def _print_score(result: dict[str, Any]) -> None:  # JSON: the eval report (``eval --format json``)
    """The eval report for a reader."""
    p, t = result["pairs"], result["triples"]
    typer.echo(
        f"pairs   P={p['precision']:.3f} R={p['recall']:.3f} F1={p['f1']:.3f} (tp={p['tp']} fp={p['fp']} fn={p['fn']})"
    )
    typer.echo(f"triples P={t['precision']:.3f} R={t['recall']:.3f} F1={t['f1']:.3f}")
    typer.echo(f"technology accuracy on matched pairs: {result['technology_accuracy']:.3f}")
    if result["status_judged"]:
        typer.echo(
            f"status accuracy on matched pairs with a gold status: {result['status_accuracy']:.3f} "
            f"(n={result['status_judged']})"
        )
    typer.echo(f"reliability (claims by confidence bin: mean confidence / share right), Brier {result['brier']}:")
    for row in result["reliability"]:
        typer.echo(
            f"  {row['bin']}  {row['claims']:>5} claims  {row['mean_confidence']:.2f} / {row['share_right']:.2f}"
        )
    for doc_id, d in result["documents"].items():
        if d["missed"] or d["false"]:
            typer.echo(f"{doc_id}: missed={d['missed']} false={d['false']}")


def _check_family(family: str) -> None:
    from countersight.extract.fitting import FAMILIES

    if family not in FAMILIES:
        raise typer.BadParameter(f"unknown family {family!r}; choose from {', '.join(FAMILIES)}", param_hint="--family")


def register(app: typer.Typer) -> None:
    """Add the ``eval`` and ``train`` commands."""

    @app.command("eval", rich_help_panel="Extraction")
    def eval_cmd(
        gold_dirs: list[str] = typer.Argument(..., help="directories with ID.txt passages and gold.jsonl"),
        fmt: str = typer.Option("text", "--format", help="text or json"),
        model: str = typer.Option("bundled", "--model", "-m", help="model file, 'bundled' or 'none' (rules)"),
        cv: int = typer.Option(
            0,
            "--cv",
            min=0,
            help="k-fold cross-validation: train on k-1 folds, score the "
            "one left out (needs scikit-learn: the 'train' extra)",
        ),
        seed: int = typer.Option(13, "--seed"),
        family: str = typer.Option("trees", "--family", help="with --cv: the pair scorer's family, trees or linear"),
    ) -> None:
        """Score extraction: pair and triple P/R/F1, technology and status accuracy, reliability."""
        from countersight.extract.evaluate import score_passages
        from countersight.extract.training import read_corpus

        passages = read_corpus(gold_dirs)
        if cv:
            from countersight.extract import _homes
            from countersight.extract.training import cross_validate

            if cv < 2:
                raise typer.BadParameter("--cv needs at least 2 folds")
            _check_family(family)
            folds = cross_validate(
                passages,
                _homes(),
                folds=cv,
                seed=seed,
                family=family,
                progress=lambda m: err_console.print(m, highlight=False),
            )
            mean = {k: round(sum(f[k]["f1"] for f in folds) / len(folds), 3) for k in ("pairs", "triples")}
            if fmt == "json":
                print_json({"folds": folds, "mean_f1": mean})
                return
            for f in folds:
                typer.echo(
                    f"fold {f['fold']}: {f['passages']} passages  pair F1 {f['pairs']['f1']:.3f}  "
                    f"triple F1 {f['triples']['f1']:.3f}  Brier {f['brier']}"
                )
            typer.echo(f"mean: pair F1 {mean['pairs']:.3f}  triple F1 {mean['triples']:.3f}")
            return
        from countersight.publish.cli.extract_cmds import chosen_model

        result = score_passages([(p.id, p.text, list(p.gold)) for p in passages], chosen_model(model)).as_dict()
        if fmt == "json":
            print_json(result)
            return
        _print_score(result)

    @app.command("train", rich_help_panel="Extraction")
    def train_cmd(
        corpus_dirs: list[str] = typer.Argument(..., help="directories with ID.txt passages and gold.jsonl"),
        out: Path = typer.Option(..., "--out", "-o", help="model file to write (JSON)"),
        seed: int = typer.Option(13, "--seed", help="fixed seed: the same data and seed give the same file"),
        family: str = typer.Option(
            "trees", "--family", help="the pair scorer: trees (boosted, the default) or linear (logistic regression)"
        ),
        c: float | None = typer.Option(
            None,
            "--c",
            min=1e-4,
            help="with --family linear: inverse L2 regularisation of the pair scorer (default: 0.15)",
        ),
        threshold: float = typer.Option(
            None,
            "--threshold",
            min=0.0,
            max=1.0,
            help="calibrated probability a pair needs to become a claim (default: 0.225 for trees, chosen by "
            "cross-validation; for linear, the middle of those within a point of the best out-of-fold pair F1)",
        ),
    ) -> None:
        """Train the extraction model on labeled passages (needs scikit-learn: the 'train' extra)."""
        from countersight.extract import _homes
        from countersight.extract.fitting import PAIR_C, TREES
        from countersight.extract.training import inputs_digest, read_corpus, train

        try:
            import sklearn  # noqa: F401
        except ImportError:
            err_console.print("training needs scikit-learn: pip install 'countersight[train]'", highlight=False)
            raise typer.Exit(2) from None
        _check_family(family)
        passages = read_corpus(corpus_dirs)
        langs = sorted({p.lang for p in passages})
        c = PAIR_C if c is None else c
        model = train(
            passages,
            _homes(),
            seed=seed,
            c=c,
            family=family,
            threshold=threshold,
            progress=lambda m: err_console.print(m, highlight=False),
            meta={
                "passages": len(passages),
                "positive_passages": sum(1 for p in passages if p.gold),
                "languages": langs,
                "seed": seed,
                "family": family,
                **({"c": c} if family == "linear" else {"trees": TREES}),
                "inputs": inputs_digest(passages, _homes(), seed=seed, family=family),
            },
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(model.to_json(), encoding="utf-8")
        err_console.print(
            f"wrote {out} (model {model.version}, {len(model.pair.weights)} pair features, "
            f"{len(model.pair.terms)} pairs of features)",
            highlight=False,
        )
        sys.stdout.flush()
