"""Tests of analysis.tokens: the documented tokenizer rules, on tiny texts with exact token lists."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.paths import data_path
from analysis.tokens import load_stopwords, terms, tokenize

SENTENCE = 'The India-Japan talks, held in Tokyo on 26 May 2014, were "productive".'


def test_tokenize_lowercases_drops_punctuation_and_keeps_numbers():
    assert tokenize(SENTENCE) == ["the", "india-japan", "talks", "held", "in", "tokyo", "on", "26", "may",
                                  "2014", "were", "productive"]


def test_tokenize_lower_false_keeps_case():
    assert tokenize("Tokyo and DELHI met.", lower=False) == ["Tokyo", "and", "DELHI", "met"]


def test_tokenize_numbers_false_drops_numbers_but_not_words_with_digits():
    # "26", "2014" and the hyphenated score "3-2" are numbers; "covid-19" has letters, so it stays.
    assert tokenize("On 26 May 2014 covid-19 ended 3-2.", numbers=False) == ["on", "may", "covid-19", "ended"]


@pytest.mark.parametrize("text, expected", [
    ("India-Japan", ["india-japan"]),                        # inner hyphen keeps the word whole
    ("well-known e-mail", ["well-known", "e-mail"]),
    ("foo- -bar", ["foo", "bar"]),                           # hyphen not inside a word separates
    ("defence--ties", ["defence", "ties"]),                  # a double hyphen is not "inside" a word
    ("don't", ["don't"]),                                    # inner apostrophe keeps the word whole
    ("ministers' talks", ["ministers", "talks"]),            # trailing apostrophe is punctuation
    ("1,000 troops, 3.5 km", ["1", "000", "troops", "3", "5", "km"]),  # , and . separate digits too
    ("under_score", ["under", "score"]),                     # underscore is not a letter or digit
    ("Tōkyō’s café", ["tōkyō", "café"]),                    # letters beyond ASCII are letters
])
def test_tokenize_punctuation_rules(text, expected):
    assert tokenize(text) == expected


@pytest.mark.parametrize("text", ["Japan's navy", "Japan’s navy", "Japan‘s navy"])
def test_possessive_removed_with_straight_and_curly_apostrophes(text):
    assert tokenize(text) == ["japan", "navy"]


def test_possessive_removed_without_lowercasing():
    # The rule "possessive 's is removed" must not depend on lower=True.
    assert tokenize("Japan's JAPAN'S", lower=False) == ["Japan", "JAPAN"]


def test_possessive_only_at_word_end():
    # "it's" loses its 's like any possessive; "'s" inside a hyphenated word is not at the end.
    assert tokenize("it's o's-test") == ["it", "o's-test"]


def test_empty_and_punctuation_only_text():
    assert tokenize("") == []
    assert tokenize(" -- ... !? ") == []


def test_stopwords_loaded_from_data_file():
    path = data_path("lexicons", "stopwords.txt")
    listed = {line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()}
    listed.discard("")
    stop = load_stopwords()
    assert stop == frozenset(listed)
    assert {"the", "and", "to", "of"} <= stop
    assert "india" not in stop and "japan" not in stop


def test_custom_stopword_file_comments_case_and_curly_apostrophes(tmp_path):
    p = tmp_path / "stop.txt"
    p.write_text("# a comment line\nThe\n  navy  # trailing comment\nwon’t\n\n", encoding="utf-8")
    assert load_stopwords(str(p)) == frozenset({"the", "navy", "won't"})


def test_terms_remove_stopwords_numbers_and_one_letter_words():
    # tokenize: the india-japan talks held in tokyo on 26 may 2014 were productive
    # stopwords in data/lexicons/stopwords.txt: the, in, on, may, were; numbers: 26, 2014.
    assert {"the", "in", "on", "may", "were"} <= load_stopwords()
    assert terms(SENTENCE) == ["india-japan", "talks", "held", "tokyo", "productive"]
    # one-letter words go even when they are not stopwords
    assert terms("x y navy", stopwords=frozenset()) == ["navy"]


def test_terms_numbers_option_and_custom_stopwords():
    assert terms("The navy sent 26 ships", stopwords=frozenset({"the"})) == ["navy", "sent", "ships"]
    assert terms("The navy sent 26 ships", stopwords=frozenset({"the"}), numbers=True) == ["navy", "sent", "26",
                                                                                          "ships"]


def test_terms_count_possessive_and_plain_form_together():
    assert terms("Japan's navy met Japan.") == ["japan", "navy", "met", "japan"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aSs'’-_ .\n\tÉé1İ")), max_size=60))
def test_possessive_removal_equals_the_documented_pattern(text):
    from analysis.tokens import POSSESSIVE, TOKEN

    expected = [POSSESSIVE.sub("", t) for t in TOKEN.findall(text.replace("’", "'").replace("‘", "'").lower())]
    assert tokenize(text) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abAB\u03a3\u0130'\u2019-. ,\t\n_1", max_size=60))
def test_tokenize_is_word_local(text):
    """What lexical and diversity rely on to tokenise each distinct word once."""
    assert tokenize(text) == [t for w in text.split() for t in tokenize(w)]
