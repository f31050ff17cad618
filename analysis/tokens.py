"""The one tokenizer of the package.

Rules, so that every count in the suite means the same thing:

* text is lower-cased (``lower=True``);
* a token is a run of letters and digits; an apostrophe or hyphen *inside* a word keeps it whole
  (``india-japan``, ``japan's``), curly apostrophes are read as straight ones; all other
  punctuation separates tokens and is dropped;
* a token never spans white space and is lower-cased on its own, so ``tokenize(text)`` is the
  concatenation of ``tokenize(word)`` over ``text.split()``: stages that meet the same words
  over and over (lexical, diversity) tokenise each distinct word once;
* possessive ``'s`` is removed (``japan's`` -> ``japan``), so an outlet's "Japan's" and "Japan"
  count together;
* numbers are tokens (``26``, ``2014``) unless ``numbers=False``;
* stopwords are kept by :func:`tokenize` (counts of all words, e.g. ``n_tokens``) and removed by
  :func:`terms` (what the lexical statistics count). The list is editable data in
  ``data/lexicons/stopwords.txt``.

Why by hand: scikit-learn's default ``token_pattern`` splits "India-Japan" and drops one-letter
words, and NLTK/spaCy tokenizers bring their own rules or model downloads; this regular
expression is small, documented, and shared by every stage.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .paths import data_path

TOKEN = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*")
POSSESSIVE = re.compile(r"'s$", re.IGNORECASE)
POSSESSIVE_ENDS = ("'s", "'S")  # what POSSESSIVE matches at the end of a token (tokens hold no newline)


def tokenize(text: str, lower: bool = True, numbers: bool = True) -> list[str]:
    """Word tokens of ``text`` (stopwords kept)."""
    text = text.replace("’", "'").replace("‘", "'")
    if lower:
        text = text.lower()
    out = [t[:-2] if t.endswith(POSSESSIVE_ENDS) else t for t in TOKEN.findall(text)]  # POSSESSIVE, faster
    if not numbers:
        out = [t for t in out if not t.replace("-", "").isdigit()]
    return out


@lru_cache(maxsize=8)
def load_stopwords(path: str | None = None) -> frozenset:
    """The stopword list: one word per line, ``#`` starts a comment."""
    p = Path(path) if path else data_path("lexicons", "stopwords.txt")
    words = set()
    for line in p.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip().lower()
        if line:
            words.add(line.replace("’", "'"))
    return frozenset(words)


def terms(text: str, stopwords: frozenset | None = None, numbers: bool = False) -> list[str]:
    """Tokens that the lexical statistics count: stopwords and (by default) numbers removed."""
    stop = load_stopwords() if stopwords is None else stopwords
    return [t for t in tokenize(text, numbers=numbers) if t not in stop and len(t) > 1]
