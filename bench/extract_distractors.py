"""Extraction with distractor paragraphs: each gold passage embedded in unrelated news.

The held-out judgement of the extractor embeds real articles in longer texts whose other paragraphs
name companies and countries in unrelated news. This bench rebuilds that situation from any gold
directory (``NNN.txt`` + ``gold.jsonl``, e.g. the shared dev set) and scores it with the same
evaluation as ``countersight eval``; the distractor paragraphs below were written for the project.

    .venv/bin/python bench/extract_distractors.py ../shared/data/devset [--seed 1] [--per-side 3]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
from pathlib import Path

from countersight.extract.evaluate import evaluate

# Unrelated news that names companies, countries, cities and sometimes technology words.
DISTRACTORS = [
    "In other business news, Samsung Electronics said on Tuesday that its quarterly operating profit rose "
    "on strong memory-chip demand from data centres in the United States and Taiwan.",
    "Kenya's central bank held its benchmark rate at 12.5 percent, citing easing inflation and a stronger "
    "shilling against the dollar.",
    "The football federation of Brazil confirmed that the national team will play friendlies against Japan "
    "and Morocco in Lisbon next month.",
    "Shares of Alibaba and Tencent fell in Hong Kong after regulators in Beijing announced new rules on "
    "online games for minors.",
    "Floods in Pakistan's Sindh province displaced thousands of families, the provincial disaster agency "
    "said, as rescue teams from Turkey arrived in Karachi.",
    "Siemens Energy won an order to supply gas turbines for a power plant in Egypt, the company said in "
    "Munich on Wednesday.",
    "The European Commission opened an investigation into subsidies for electric vehicles made in China, "
    "a move welcomed by carmakers in France and Germany.",
    "A court in Lagos adjourned the trial of two former bank executives until March, their lawyers said.",
    "Microsoft and Google both reported higher cloud revenues, while Amazon said it would open a new data "
    "centre region in Mexico.",
    "Tourism arrivals in Thailand rose 20 percent in the first half, led by visitors from Malaysia, China "
    "and India, the tourism ministry in Bangkok said.",
    "The Security Council extended the peacekeeping mission in South Sudan for another year after a vote in New York.",
    "Uganda's coffee exports reached a record as prices rose on tight supply from Vietnam and Brazil.",
    "Airbus delivered its first A321 to a carrier in Colombia, while Boeing reported new orders from "
    "airlines in Saudi Arabia and Indonesia.",
    "Wildfires forced evacuations in Greece and Canada, and firefighters from Spain and Italy were sent to "
    "help, officials said.",
    "Researchers at a university in Nairobi published a study on mobile money adoption among farmers in "
    "Tanzania and Rwanda.",
    "Vodafone said it would sell its business in Spain to an investment fund, and Orange agreed a merger "
    "of its Spanish unit.",
    "The International Monetary Fund approved a new loan for Argentina after talks in Washington, the "
    "fund said in a statement.",
    "Hikvision's rivals in Europe face tougher competition, an industry analyst in London said, without "
    "naming customers.",
    "Police in Serbia arrested three men after a brawl at a football match in Belgrade, local media reported.",
    "A delegation from Zambia visited Shanghai for a trade fair on agricultural machinery.",
    "Huawei signed a deal with an operator in Malaysia to build its 5G core network, the operator said.",
    "ZTE shipped 4G base stations to a mobile carrier in Peru, according to a statement from the carrier.",
    "Police in Chile used water cannon to disperse students protesting in Santiago over tuition fees.",
    "Ericsson and Nokia won contracts to upgrade mobile networks in India, the companies said.",
    "Canon launched a new mirrorless camera in Japan aimed at wildlife photographers.",
    "The government of Ghana signed a loan agreement with the World Bank for rural roads in the north.",
    "Dahua Technology's chairman attended an industry dinner in Hangzhou, a company spokesperson said.",
    "Tanzanian officials said the new port in Bagamoyo would be built by a Chinese contractor after talks "
    "in Dar es Salaam.",
    "The Indonesian navy bought two frigates from a shipyard in the Netherlands.",
    "NEC supplied undersea cable equipment for a link between Singapore and Australia.",
]


def build(gold_dir: Path, out: Path, seed: int, per_side: int) -> None:
    """Write each gold passage with ``per_side`` distractor paragraphs before and after."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(gold_dir / "gold.jsonl", out / "gold.jsonl")
    for line in (gold_dir / "gold.jsonl").read_text("utf-8").splitlines():
        if not line.strip():
            continue
        pid = json.loads(line)["id"]
        text = (gold_dir / f"{pid}.txt").read_text("utf-8").strip()
        before = rng.sample(DISTRACTORS, per_side)
        after = rng.sample([d for d in DISTRACTORS if d not in before], per_side)
        (out / f"{pid}.txt").write_text("\n\n".join([*before, text, *after]) + "\n", "utf-8")


def main() -> None:
    """Score the plain gold set and its distractor-embedded twin side by side."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold_dir", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-side", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        embedded = Path(tmp) / "embedded"
        build(args.gold_dir, embedded, args.seed, args.per_side)
        for name, path in (("plain", args.gold_dir), ("with distractors", embedded)):
            r = evaluate(path).as_dict()
            p, t = r["pairs"], r["triples"]
            print(
                f"{name:17} pairs P={p['precision']:.3f} R={p['recall']:.3f} F1={p['f1']:.3f} "
                f"(tp={p['tp']} fp={p['fp']} fn={p['fn']})  triples F1={t['f1']:.3f}"
            )
            for pid, d in sorted(r["documents"].items()):
                if d["missed"] or d["false"]:
                    print(f"    {pid}: missed={d['missed']} false={d['false']}")


if __name__ == "__main__":
    main()
