"""``countersight eval GOLD_DIR``: score the extractor against a gold set."""

from __future__ import annotations

import typer

from countersight.publish.cli.common import print_json


def register(app: typer.Typer) -> None:
    """Add the ``eval`` command."""

    @app.command("eval")
    def eval_cmd(
        gold_dir: str = typer.Argument(..., help="directory with NNN.txt passages and gold.jsonl"),
        fmt: str = typer.Option("text", "--format", help="text or json"),
    ) -> None:
        """Score extraction: pair and triple P/R/F1, technology accuracy, misses per document."""
        from countersight.extract.evaluate import evaluate

        result = evaluate(gold_dir).as_dict()
        if fmt == "json":
            print_json(result)
            return
        p, t = result["pairs"], result["triples"]
        typer.echo(f"pairs   P={p['precision']:.3f} R={p['recall']:.3f} F1={p['f1']:.3f} "
                   f"(tp={p['tp']} fp={p['fp']} fn={p['fn']})")
        typer.echo(f"triples P={t['precision']:.3f} R={t['recall']:.3f} F1={t['f1']:.3f}")
        typer.echo(f"technology accuracy on matched pairs: {result['technology_accuracy']:.3f}")
        if result["status_judged"]:
            typer.echo(f"status accuracy on matched pairs with a gold status: {result['status_accuracy']:.3f} "
                       f"(n={result['status_judged']})")
        typer.echo("calibration (claims by confidence: right / all):")
        for row in result["calibration"]:
            typer.echo(f"  {row['confidence']:.2f}  {row['right']:>4} / {row['claims']:<4} "
                       f"= {row['share_right']:.2f}")
        for doc_id, d in result["documents"].items():
            if d["missed"] or d["false"]:
                typer.echo(f"{doc_id}: missed={d['missed']} false={d['false']}")
