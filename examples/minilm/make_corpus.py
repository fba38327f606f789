#!/usr/bin/env python3
"""Writes a deterministic corpus of varied English sentences for the MiniLM example.

Sentences are built from templates over a dozen topics (weather, cooking, travel, sport, ...)
with varied subjects, verbs, objects, places and times, so held-out pairs range from near
paraphrases (same topic and template) to unrelated ones: a useful spread for comparing the
teacher's and the student's similarity rankings. No downloads; the same seed gives the same files.

usage: make_corpus.py OUT_DIR [--train N] [--eval N] [--seed S]
writes OUT_DIR/train.jsonl and OUT_DIR/eval.jsonl, one {"text": ...} per line, no sentence in both.
"""
import argparse
import json
import os
import random

SUBJECTS = ["My sister", "The old man", "A young teacher", "Our neighbour", "The team captain", "Everyone in the office",
            "The new student", "My grandfather", "A tired nurse", "The small child", "Two friends", "The manager",
            "A local farmer", "The tourists", "Her brother", "The engineer", "A quiet musician", "The children"]
TIMES = ["this morning", "last night", "every Sunday", "on Friday", "after lunch", "before dawn", "in the summer",
         "yesterday", "at the weekend", "early on Monday", "during the holidays", "late in the evening"]
PLACES = ["in the park", "at the station", "near the river", "in the kitchen", "at the market", "in a small village",
          "downtown", "at the library", "on the beach", "in the mountains", "at home", "in the garden"]

TOPICS = {
    "weather": [
        "It rained heavily {time} and the streets were flooded.",
        "The sky cleared {time}, and the sun warmed the fields.",
        "A cold wind blew {place} {time}.",
        "{subj} forgot an umbrella and got soaked {time}.",
        "The forecast promises snow {time}.",
        "Thick fog covered the town {time}, so flights were delayed.",
        "It was so hot {place} that nobody wanted to move.",
    ],
    "cooking": [
        "{subj} baked fresh bread {place} {time}.",
        "{subj} made a spicy vegetable soup {time}.",
        "The recipe needs two eggs, flour and a little sugar.",
        "{subj} burned the rice while talking on the phone.",
        "Slice the onions thinly and fry them until golden.",
        "{subj} cooked pasta with tomato sauce for the whole family.",
        "The cake tasted of lemon and vanilla.",
    ],
    "travel": [
        "{subj} took the train to the coast {time}.",
        "Our flight was cancelled, so we stayed another night {place}.",
        "{subj} lost a passport {place}.",
        "The bus to the airport leaves {time}.",
        "{subj} booked a cheap hotel {place}.",
        "We drove for six hours and arrived {time}.",
        "{subj} loves visiting old cities and their museums.",
    ],
    "sport": [
        "{subj} ran ten kilometres {place} {time}.",
        "The home team won the match in the last minute.",
        "{subj} plays tennis {time}.",
        "The goalkeeper saved a penalty and the crowd cheered.",
        "{subj} swam across the lake {time}.",
        "The cyclists raced up the steep hill {time}.",
        "{subj} trains at the gym {time}.",
    ],
    "technology": [
        "{subj} installed a new operating system on the laptop.",
        "The phone battery died {time}.",
        "{subj} wrote a small program to sort the photos.",
        "The website crashed because too many people visited it.",
        "{subj} bought a faster computer {time}.",
        "The printer {place} keeps jamming.",
        "Please restart the router if the internet stops working.",
    ],
    "health": [
        "{subj} caught a cold {time}.",
        "The doctor told {obj} to rest for a week.",
        "{subj} drinks a lot of water to stay healthy.",
        "A short walk {place} helps {obj} sleep better.",
        "{subj} went to the dentist {time}.",
        "The hospital {place} opened a new ward.",
        "{subj} has a headache and wants to lie down.",
    ],
    "work": [
        "{subj} finished the quarterly report {time}.",
        "The meeting was moved to {time}.",
        "{subj} asked for a day off {time}.",
        "The company hired twenty new people this year.",
        "{subj} answered emails {place} {time}.",
        "The deadline is tight, so everyone is working late.",
        "{subj} got a promotion {time}.",
    ],
    "animals": [
        "The dog barked at the postman {time}.",
        "{subj} feeds the cats {place} {time}.",
        "A fox crossed the road {place}.",
        "{subj} saw a family of ducks near the pond.",
        "The horse ran across the field {time}.",
        "Birds were singing {place} {time}.",
        "{subj} adopted a puppy from the shelter.",
    ],
    "music": [
        "{subj} practises the piano {time}.",
        "The band played old songs {place} {time}.",
        "{subj} sang in the choir {time}.",
        "The concert {place} was sold out.",
        "{subj} is learning to play the guitar.",
        "The violinist performed beautifully {time}.",
        "{subj} listens to jazz while cooking.",
    ],
    "shopping": [
        "{subj} bought apples and cheese {place}.",
        "The shop {place} closes early {time}.",
        "{subj} returned a pair of shoes that were too small.",
        "Prices went up again {time}.",
        "{subj} paid for the groceries with a card.",
        "The market {place} sells fresh fish {time}.",
        "{subj} is looking for a warm winter coat.",
    ],
    "school": [
        "{subj} studied for the maths exam {time}.",
        "The teacher explained the lesson twice.",
        "{subj} forgot the homework {place}.",
        "The school {place} is closed for repairs.",
        "{subj} read a history book {place} {time}.",
        "The students asked many questions about the planets.",
        "{subj} passed the driving test {time}.",
    ],
    "home": [
        "{subj} painted the bedroom walls blue {time}.",
        "The kitchen tap has been dripping all week.",
        "{subj} cleaned the whole house {time}.",
        "We moved into a bigger flat {time}.",
        "{subj} planted tomatoes {place}.",
        "The heating broke down {time}.",
        "{subj} fixed the broken chair with some glue.",
    ],
}
OBJECTS = ["her", "him", "them", "my father", "the patient", "the old man", "everyone"]
OPENERS = ["", "", "", "I think ", "Apparently, ", "To be honest, ", "As usual, ", "Surprisingly, "]


def sentence(rng):
    topic = rng.choice(sorted(TOPICS))
    tpl = rng.choice(TOPICS[topic])
    s = tpl.format(subj=rng.choice(SUBJECTS), time=rng.choice(TIMES), place=rng.choice(PLACES), obj=rng.choice(OBJECTS))
    opener = rng.choice(OPENERS)
    if opener:
        s = opener + s[0].lower() + s[1:] if not s.startswith(("I ", "My ", "Our ")) else opener + s
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--train", type=int, default=3000)
    ap.add_argument("--eval", type=int, default=500)
    ap.add_argument("--seed", type=int, default=20240)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    seen, out = set(), []
    want = a.train + a.eval
    tries = 0
    while len(out) < want:
        tries += 1
        if tries > 100 * want:
            raise SystemExit(f"make_corpus.py: only {len(out)} distinct sentences after {tries} draws; ask for fewer")
        s = sentence(rng)
        if s not in seen:
            seen.add(s)
            out.append(s)
    os.makedirs(a.out, exist_ok=True)
    for name, rows in (("train.jsonl", out[:a.train]), ("eval.jsonl", out[a.train:])):
        with open(os.path.join(a.out, name), "w") as f:
            f.writelines(json.dumps({"text": s}) + "\n" for s in rows)
    print(f"wrote {a.train} training and {a.eval} held-out sentences to {a.out}")


if __name__ == "__main__":
    main()
