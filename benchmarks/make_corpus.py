"""Generate a synthetic news corpus of N articles for benchmarking the suite.

Usage::

    python benchmarks/make_corpus.py N OUT_DIR [--seed 20250505]

writes ``OUT_DIR/manifest.csv`` (``doc_id, outlet, date, title, event, path``) and the texts as UTF-8
``OUT_DIR/texts/<doc_id>.txt``: a title-case headline line, a blank line, then paragraphs of one to
three sentences separated by blank lines, about 500 words in all. Eight fictional outlets cover
events (eight articles per event, one per outlet) on Indo-Pacific defence diplomacy. Sentences are
built from templates and vocabularies (actors with titles, countries, places, equipment, numbers,
quotes with "said" cues) so that every frame of ``data/frames/default.toml`` fires: China,
terrorism, joint exercises, partnership, defence industry, regional security, India-Pakistan.
Surnames and place names are drawn from a large synthetic pool with Zipf-like frequencies, so
the vocabulary keeps growing with N as real news vocabulary does. One article in five carries,
verbatim, one of a pool of 50 wire paragraphs, as syndicated agency copy does.

The output is a pure function of (N, seed): the same arguments give the same bytes. Article ``i``
depends only on the seed and ``i``, so the corpus of N articles is the first N of any larger one.
The texts are synthetic; they measure speed and memory, never what the suite finds.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import re
import shutil
import sys
from pathlib import Path

SEED = 20250505
WORDS_PER_ARTICLE = (420, 580)
WIRE_SHARE = 0.2
WIRE_POOL = 50
ARTICLES_PER_EVENT = 8
FIRST_DATE = dt.date(2024, 1, 1)

OUTLETS = ["Northern Courier", "The Daily Ledger", "Harbour Times", "Capital Review", "Eastern Standard",
           "Metro Chronicle", "Global Dispatch", "The Observer Post"]
# (name, adjective, capital)
COUNTRIES = [("India", "Indian", "New Delhi"), ("Japan", "Japanese", "Tokyo"), ("Australia", "Australian", "Canberra"),
             ("the Philippines", "Philippine", "Manila"), ("Vietnam", "Vietnamese", "Hanoi"),
             ("Indonesia", "Indonesian", "Jakarta"), ("South Korea", "South Korean", "Seoul"),
             ("France", "French", "Paris"), ("the United States", "American", "Washington")]
TITLES = ["Defence Minister", "Foreign Minister", "Prime Minister", "Navy chief Admiral", "Army chief General",
          "National Security Adviser", "Defence Secretary", "Chief of Defence Staff General", "Ambassador",
          "Commerce Minister", "Home Minister", "Air Chief Marshal"]
FIRST_NAMES = ["Rajesh", "Anita", "Kenji", "Yuko", "Peter", "Maria", "Nguyen", "Siti", "Min-jun", "Claire", "David",
               "Arjun", "Priya", "Hiroshi", "Akiko", "James", "Sarah", "Tran", "Budi", "Ji-woo", "Luc", "Emily",
               "Vikram", "Sunita", "Takeshi", "Naomi", "Michael", "Grace", "Hoang", "Dewi", "Sung-ho", "Pierre"]
SYLLABLES = ["ka", "ra", "ma", "ta", "shi", "no", "ve", "lan", "dor", "mi", "sa", "ko", "ri", "ban", "tel", "go",
             "ha", "zu", "pan", "der", "wa", "ni", "lo", "chi", "su", "ben", "tor", "yo", "ga", "rin"]
PLACE_SUFFIXES = ["pur", "abad", "ganj", "port", " Bay", " Island", "nagar", " Strait", " Point", "kota"]
EQUIPMENT = ["frigates", "patrol vessels", "submarines", "fighter jets", "transport aircraft", "helicopters",
             "drones", "radars", "missile systems", "armoured vehicles", "minesweepers", "maritime patrol aircraft",
             "artillery guns", "satellites", "landing ships", "corvettes"]
INDUSTRY = ["co-production of {equip}", "joint development of {equip}", "technology transfer for {equip}",
            "defence exports of {equip}", "supply chains for {equip}", "industrial cooperation on {equip}"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
KINDS = ["defence ministers' meeting", "naval exercise", "security dialogue", "summit", "defence expo",
         "maritime conference", "strategic dialogue", "joint staff talks"]
ADJECTIVES = ["wide-ranging", "closely watched", "two-day", "annual", "high-level", "long-awaited", "cordial",
              "delayed", "first-ever", "tense", "productive", "informal"]
ADVERBS = ["firmly", "openly", "quietly", "repeatedly", "publicly", "cautiously", "strongly"]

HEADLINES = [
    "{A} and {B} Vow to Deepen Defence Ties at {city} Talks",
    "{A}, {B} Agree to Expand Joint Exercises Amid Concern Over China",
    "{Aadj} and {Badj} Ministers Condemn Terror Attack, Discuss Security Cooperation",
    "{Aadj} Minister {name} Visits {city} for {kind}",
    "{A} Seeks {B}'s Help on {equip} as Regional Tensions Rise",
    "Talks in {city} Focus on Indo-Pacific Security and Defence Industry",
]
SENTENCES = {
    "partnership": [
        "{A} and {B} agreed on {day} to deepen their bilateral defence cooperation, officials said.",
        "The two ministers reviewed the progress of the Special Strategic Partnership during the {adj} talks in {city}.",
        "Both sides exchanged views on the regional and international security situation, according to a statement from the Ministry of Defence.",
        "Relations between {A} and {B} have grown steadily since {year}, when the two countries signed a framework for defence cooperation.",
        "The visit is the {ordinal} by a {Badj} defence minister to {A} since {year}.",
        "{title} {name} described the ties between the two countries as a pillar of stability.",
    ],
    "china": [
        "Analysts said China's growing naval presence in the South China Sea loomed over the {adj} talks.",
        "Beijing did not immediately respond to a request for comment on the meeting in {city}.",
        "Chinese coast guard vessels were spotted near {place} on {day}, the {Badj} navy said.",
        "The PLA has held {n} large drills near the disputed waters this year, according to the {Aadj} defence ministry.",
        "Officials in {city} said the new arrangements were not aimed at China, but few observers believed it.",
    ],
    "terrorism": [
        "The ministers condemned the terror attack in {place} that killed {n} people and called for closer counter-terrorism cooperation.",
        "{title} {name} said terrorism remained the gravest threat to peace in the region.",
        "Security forces have arrested {n} suspected militants in connection with the attack, police said.",
        "The statement called on all countries to deny safe haven to terrorists and to cut off their financing.",
    ],
    "exercises": [
        "The navies of {A} and {B} will hold joint exercises off {place} in {month}, involving {n} ships and {m} aircraft.",
        "Officials said interoperability between the two forces had improved markedly since the last joint exercise.",
        "The two sides also discussed a logistics agreement that would give each navy access to each other's bases for repair and resupply.",
        "More than {big} troops took part in the joint military exercises near {place} last {month}.",
    ],
    "industry": [
        "The talks covered {industry}, a deal officials valued at about ${n} million.",
        "{A} is keen to attract {Badj} investment in its defence industry, particularly in {equip}.",
        "Companies from both countries signed {n} agreements on {industry} on the sidelines of the meeting.",
        "The defence technology partnership includes joint production of {equip} at a plant near {place}.",
    ],
    "regional": [
        "Both countries reaffirmed their commitment to a free and open Indo-Pacific and to regional security based on the rule of law.",
        "The ministers discussed maritime security in the Indian Ocean and the freedom of navigation.",
        "Regional stability depends on dialogue and respect for international law, {title} {name} said.",
    ],
    "pakistan": [
        "Tensions along the Line of Control with Pakistan have risen since the attack, with reports of ceasefire violations near {place}.",
        "Islamabad has denied any role in the attack and called for a neutral investigation.",
        "Officials in {capA} said cross-border firing had been reported on {n} nights this month.",
    ],
    "economy": [
        "Trade between {A} and {B} reached ${n} billion in {year}, up {pct} per cent from a year earlier.",
        "The {Badj} delegation of {n} officials arrived in {city} on {day} evening.",
        "The meeting in {city} lasted about {n} minutes longer than scheduled, an official said.",
        "{name}, who took office in {year}, has {adv} pushed for closer ties with {B}.",
        "The ministry said {n} memoranda had been signed since the two sides last met in {month} {year}.",
        "Local residents in {place} said they had noticed more military flights in recent weeks.",
    ],
}
QUOTES = [
    "We will not allow anyone to threaten the peace and stability of our region",
    "Our partnership with {B} is stronger today than it has ever been",
    "Terrorism is the biggest threat to humanity and we must fight it together",
    "The joint exercises show that our forces can work side by side",
    "We discussed ways to expand defence industrial cooperation and co-production",
    "No country should change the status quo by force, in the South China Sea or anywhere else",
    "This is a partnership built on trust, shared values and common interests",
    "Those who carried out the attack in {place} will be brought to justice",
    "We look forward to welcoming {Badj} companies to build {equip} in {A}",
    "The region needs more dialogue, not more warships",
]
QUOTE_FORMS = [
    '"{q}," {title} {name} said.',
    '"{q}," said {title} {name}.',
    '{title} {name} said: "{q}."',
    '"{q}," {name} told reporters in {city} on {day}.',
    '{name} said that {indirect}, according to the ministry.',
]
INDIRECT = [
    "the two sides would meet again before the end of the year",
    "terrorism could not be tolerated in any form",
    "the joint exercises would be expanded to include the air forces",
    "China's actions in the South China Sea were a matter of concern",
    "the defence industry of both countries stood to benefit",
    "the region's security was a shared responsibility",
]
# Interchangeable wordings, applied word by word to every sentence (quotes and wire copy included),
# so that fixed stretches of the templates rarely repeat eight words verbatim across articles:
# verbatim reuse then comes from the wire paragraphs, as it does in real news.
VARIANTS = [
    ["said", "stated", "noted", "added"], ["officials", "officers", "diplomats", "aides"],
    ["agreed", "decided", "pledged"], ["deepen", "strengthen", "broaden", "expand"],
    ["talks", "discussions", "consultations", "meetings"], ["statement", "communique", "declaration", "readout"],
    ["countries", "nations", "states", "governments"], ["region", "neighbourhood", "area"],
    ["discussed", "reviewed", "examined", "took up"], ["reaffirmed", "restated", "renewed", "underlined"],
    ["commitment", "pledge", "resolve"], ["threat", "danger", "challenge", "menace"],
    ["closer", "stronger", "greater", "deeper"], ["growing", "expanding", "rising", "increasing"],
    ["spotted", "seen", "sighted", "observed"], ["arrested", "detained", "held", "picked up"],
    ["suspected", "alleged", "presumed"], ["improved", "advanced", "progressed", "grown"],
    ["markedly", "considerably", "steadily", "visibly"], ["access", "entry", "recourse"],
    ["recent", "past", "last few"], ["weeks", "months", "days"], ["noticed", "seen", "reported", "heard"],
    ["keen", "eager", "anxious", "looking"], ["particularly", "especially", "notably", "chiefly"],
    ["valued", "estimated", "put", "priced"], ["signed", "concluded", "inked", "finalised"],
    ["stronger", "deeper", "closer", "more robust"], ["shared", "common", "collective"],
    ["together", "jointly", "as one", "side by side"], ["welcoming", "hosting", "inviting", "receiving"],
    ["immediately", "promptly", "yet"], ["request", "query", "inquiry"], ["observers", "analysts", "experts"],
    ["believed", "accepted", "bought", "credited"], ["arrangements", "measures", "steps", "agreements"],
    ["progress", "state", "pace", "course"], ["gravest", "biggest", "greatest", "most serious"],
    ["peace", "calm", "stability"], ["steadily", "rapidly", "gradually", "markedly"],
    ["scheduled", "planned", "expected"], ["denied", "rejected", "dismissed"], ["neutral", "impartial", "fair"],
    ["risen", "grown", "climbed", "mounted"], ["reports", "accounts", "claims"], ["nights", "days", "occasions"],
    ["described", "called", "termed", "portrayed"], ["pillar", "cornerstone", "anchor", "foundation"],
    ["deal", "contract", "package", "agreement"], ["companies", "firms", "manufacturers", "businesses"],
    ["plant", "factory", "facility", "site"], ["delegation", "team", "mission", "party"],
    ["arrived", "landed", "came"], ["evening", "morning", "afternoon"], ["pushed", "argued", "lobbied", "pressed"],
    ["dialogue", "diplomacy", "engagement", "talks"], ["allow", "permit", "let"], ["anyone", "any country", "any power"],
    ["fight", "defeat", "confront", "tackle"], ["biggest", "greatest", "gravest", "largest"],
    ["show", "prove", "demonstrate"], ["ways", "steps", "measures", "plans"], ["build", "make", "produce"],
    ["needs", "wants", "requires"], ["carried out", "committed", "planned", "staged"],
    ["justice", "book", "account"], ["concern", "worry", "alarm", "unease"], ["benefit", "gain", "profit"],
    ["responsibility", "duty", "task", "burden"], ["expanded", "widened", "extended", "enlarged"],
]
_VARIANT_OF = {w: group for group in VARIANTS for w in group if " " not in w}
_WORD_RE = re.compile(r"[A-Za-z]+")
OPENERS = ["", "", "", "", "On {day}, ", "Meanwhile, ", "Separately, ", "Earlier, ", "In {city}, ",
           "At the same time, ", "Later, "]
ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth"]
FRAME_WEIGHTS = {"partnership": 4, "china": 2, "terrorism": 2, "exercises": 2, "industry": 2, "regional": 2,
                 "pakistan": 1, "economy": 4}


def _pool(seed: int, size: int, suffixes: bool) -> list[str]:
    """Distinct synthetic proper names (surnames or, with suffixes, place names)."""
    rng = random.Random(f"{seed}-pool-{suffixes}")
    names, seen = [], set()
    while len(names) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
        word = word.capitalize() + (rng.choice(PLACE_SUFFIXES) if suffixes else "")
        if word not in seen:
            seen.add(word)
            names.append(word)
    return names


def _zipf(rng: random.Random, pool: list[str]) -> str:
    """A name drawn with probability roughly proportional to 1/rank."""
    return pool[min(int(len(pool) ** rng.random()) - 1, len(pool) - 1)]


class _Writer:
    """Fills templates for one article from its own random stream."""

    def __init__(self, rng: random.Random, event: dict, surnames: list[str], places: list[str]):
        self.rng, self.event, self.surnames, self.places = rng, event, surnames, places

    def fill(self, template: str) -> str:
        r, ev = self.rng, self.event
        slots = {
            "A": ev["a"][0], "B": ev["b"][0], "Aadj": ev["a"][1], "Badj": ev["b"][1], "capA": ev["a"][2],
            "city": ev["city"], "kind": ev["kind"], "day": r.choice(DAYS), "month": r.choice(MONTHS),
            "year": r.randint(2000, 2024), "n": r.randint(2, 95), "m": r.randint(2, 40), "pct": r.randint(2, 30),
            "big": f"{r.randint(1, 12)},{r.randint(0, 999):03d}", "adj": r.choice(ADJECTIVES), "adv": r.choice(ADVERBS),
            "ordinal": r.choice(ORDINALS), "equip": r.choice(EQUIPMENT), "place": _zipf(r, self.places),
            "title": r.choice(TITLES), "name": f"{r.choice(FIRST_NAMES)} {_zipf(r, self.surnames)}",
        }
        slots["industry"] = r.choice(INDUSTRY).format(equip=slots["equip"])
        slots["A"] = slots["A"][0].upper() + slots["A"][1:] if template.startswith("{A}") else slots["A"]
        return template.format(**slots)

    def vary(self, text: str) -> str:
        """Swap words for interchangeable ones (keeping a leading capital)."""
        def swap(m):
            group = _VARIANT_OF.get(m.group(0).lower())
            if not group:
                return m.group(0)
            word = self.rng.choice(group)
            return word[0].upper() + word[1:] if m.group(0)[0].isupper() else word
        return _WORD_RE.sub(swap, text)

    def sentence(self) -> str:
        r = self.rng
        if r.random() < 0.2:
            form = r.choice(QUOTE_FORMS)
            return self.vary(self.fill(form.replace("{q}", r.choice(QUOTES)).replace("{indirect}", r.choice(INDIRECT))))
        frame = r.choices(list(FRAME_WEIGHTS), weights=list(FRAME_WEIGHTS.values()))[0]
        body = self.fill(r.choice(SENTENCES[frame]))
        opener = self.fill(r.choice(OPENERS))
        if opener and not body.startswith(("The ", "Both ", "Officials ", "Regional ", "Analysts ", "Security ",
                                            "Tensions ", "Trade ", "Companies ", "Local ", "More ", "Islamabad ",
                                            "Chinese ", "Beijing ")):
            opener = ""  # keep proper nouns capitalised: only lower a sentence's first common word
        body = body[0].lower() + body[1:] if opener and body.split()[0] not in ("Islamabad", "Chinese", "Beijing") else body
        return self.vary(opener + body)

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.choice((1, 2, 2, 3))))


def _event(seed: int, k: int, places: list[str]) -> dict:
    rng = random.Random(f"{seed}-event-{k}")
    a, b = rng.sample(COUNTRIES, 2)
    return {"id": f"ev{k:04d}", "a": a, "b": b, "city": rng.choice((a[2], b[2], _zipf(rng, places))),
            "kind": rng.choice(KINDS), "date": FIRST_DATE + dt.timedelta(days=3 * k + rng.randint(0, 2))}


def wire_pool(seed: int = SEED) -> list[str]:
    """The pool of agency paragraphs that articles carry verbatim."""
    surnames, places = _pool(seed, 3000, False), _pool(seed, 2000, True)
    out = []
    for j in range(WIRE_POOL):
        w = _Writer(random.Random(f"{seed}-wire-{j}"), _event(seed, 10_000 + j, places), surnames, places)
        out.append(" ".join(w.sentence() for _ in range(3)))
    return out


def article(i: int, seed: int, surnames: list[str], places: list[str], wires: list[str]) -> dict:
    """Manifest row and text of article ``i``."""
    k = i // ARTICLES_PER_EVENT
    ev = _event(seed, k, places)
    rng = random.Random(f"{seed}-article-{i}")
    w = _Writer(rng, ev, surnames, places)
    outlet = OUTLETS[i % len(OUTLETS)]
    date = ev["date"] + dt.timedelta(days=rng.choice((0, 0, 1)))
    headline = w.fill(rng.choice(HEADLINES))
    lede = f"{ev['city'].upper()}, {date:%B} {date.day}: " + w.sentence()
    paras = [lede]
    target = rng.randint(*WORDS_PER_ARTICLE)
    while sum(len(p.split()) for p in paras) < target:
        paras.append(w.paragraph())
    if rng.random() < WIRE_SHARE:
        paras.insert(rng.randint(1, min(3, len(paras))), rng.choice(wires))
    text = headline + "\n\n" + "\n\n".join(paras) + "\n"
    doc_id = f"a{i:06d}"
    return {"doc_id": doc_id, "outlet": outlet, "date": date.isoformat(), "title": headline, "event": ev["id"],
            "path": f"texts/{doc_id}.txt", "text": text}


def make_corpus(n: int, out, seed: int = SEED) -> Path:
    """Write a corpus of ``n`` articles to the folder ``out`` (replacing a corpus already there)."""
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not (out / "manifest.csv").exists():
        raise SystemExit(f"error: {out} exists and is not a corpus folder (no manifest.csv); choose another folder.")
    surnames, places = _pool(seed, 3000, False), _pool(seed, 2000, True)
    wires = wire_pool(seed)
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "texts").mkdir(parents=True)
    buf = io.StringIO()
    fields = ["doc_id", "outlet", "date", "title", "event", "path"]
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for i in range(n):
        row = article(i, seed, surnames, places, wires)
        (tmp / row["path"]).write_bytes(row["text"].encode("utf-8"))
        writer.writerow(row)
    (tmp / "manifest.csv").write_bytes(buf.getvalue().encode("utf-8"))
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("n", type=int, help="number of articles")
    p.add_argument("out", type=Path, help="corpus folder to write (replaced if it already holds a corpus)")
    p.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    args = p.parse_args(argv)
    if args.n < 1:
        p.error("n must be at least 1")
    make_corpus(args.n, args.out, args.seed)
    print(f"wrote {args.n} articles to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
