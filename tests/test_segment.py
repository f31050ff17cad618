"""Sentences: hard cases with exact answers, offsets and indexes on the bundled corpus, properties."""
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.clean import clean_corpus
from analysis.corpus import read_corpus
from analysis.paths import BUNDLED_CORPUS
from analysis.segment import SENTENCE_COLUMNS, count_units, segment, split_sentences


def sentences(text):
    return [text[a:b] for a, b in split_sentences(text)]


HARD_CASES = pytest.mark.parametrize("text, expected", [
    # a missing space after the full stop still ends the sentence
    ("The Defence Minister spoke after the attack.Rajnath Singh said India would respond.",
     ["The Defence Minister spoke after the attack.", "Rajnath Singh said India would respond."]),
    # abbreviations do not end sentences
    ("Gen. Anil Chauhan briefed Mr. Singh on the U.S. proposal. The chief then left.",
     ["Gen. Anil Chauhan briefed Mr. Singh on the U.S. proposal.", "The chief then left."]),
    ("The U.S. delegation arrived on Monday. It left on Tuesday.",
     ["The U.S. delegation arrived on Monday.", "It left on Tuesday."]),
    ("Dr. Rao and Prof. Lee met Mr. Tanaka. It went well.",
     ["Dr. Rao and Prof. Lee met Mr. Tanaka.", "It went well."]),
    # the closing quote after the full stop stays with its sentence
    ("He said, “We will respond.” The ministry confirmed it.",
     ["He said, “We will respond.”", "The ministry confirmed it."]),
    ('He said, "We will respond." The ministry confirmed it.',
     ['He said, "We will respond."', "The ministry confirmed it."]),
    ("He asked, “Will you come?” She said no.", ["He asked, “Will you come?”", "She said no."]),
    # ... also when the space after it is missing
    ("He said, “We will respond.”The ministry agreed.",
     ["He said, “We will respond.”", "The ministry agreed."]),
    ('He said, "We will respond."The ministry agreed.', ['He said, "We will respond."', "The ministry agreed."]),
    # an opening quote starts the next sentence
    ("It met in the region. “Defence exchanges have grown,” it said.",
     ["It met in the region.", "“Defence exchanges have grown,” it said."]),
    ('It met in the region. "Defence exchanges have grown," it said.',
     ["It met in the region.", '"Defence exchanges have grown," it said.']),
    ("“We agree.” “So do we,” he said.", ["“We agree.”", "“So do we,” he said."]),
    ('"We agree." "So do we," he said.', ['"We agree."', '"So do we," he said.']),
    ("‘We agree.’ ‘So do we,’ he said.", ["‘We agree.’", "‘So do we,’ he said."]),
    ("He left. (The talks had ended.) “Good,” she said.",
     ["He left.", "(The talks had ended.)", "“Good,” she said."]),
    # an ellipsis inside a sentence does not split it; before a capital it ends one
    ("The talks … went on for hours. Both sides agreed.", ["The talks … went on for hours.", "Both sides agreed."]),
    ("The talks… went on for hours.", ["The talks… went on for hours."]),
    ("The talks... went on for hours.", ["The talks... went on for hours."]),
    ("He paused… Then he spoke.", ["He paused…", "Then he spoke."]),
    ("He paused... “You are aware,” he said.", ["He paused...", "“You are aware,” he said."]),
    ("Is it true? Yes! It is.", ["Is it true?", "Yes!", "It is."]),
    ("  Leading space. Trailing space.  ", ["Leading space.", "Trailing space."]),
])


@HARD_CASES
def test_hard_cases(text, expected):
    assert sentences(text) == expected


def test_paragraphs_in_batches_split_as_one_by_one(monkeypatch):
    import analysis.segment as segment

    texts = [text for text, _ in HARD_CASES.args[1]] * 3  # more paragraphs than one batch
    monkeypatch.setattr(segment, "PIPE_BATCH", 4)
    assert segment.split_paragraphs(texts) == [split_sentences(t) for t in texts]


def test_spans_are_offsets_into_the_text():
    text = "  Gen. Nakatani arrived.  He left.\u201cGood,\u201d she said. "
    assert split_sentences(text) == [(2, 24), (26, 34), (34, 51)]


# --- the bundled corpus ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def run():
    docs, paragraphs, _ = clean_corpus(read_corpus(BUNDLED_CORPUS))
    sents = segment(paragraphs)
    return docs, paragraphs, sents


def test_sentences_table_columns(run):
    assert list(run[2].columns) == SENTENCE_COLUMNS
    assert run[2].groupby("doc_id", sort=False).size().to_dict() == {
        "mint-0505": 15, "unk-a-0505": 18, "ani-0504": 14, "unk-b-0505": 13, "newsx-0504": 24}


def test_offsets_give_the_sentence_text(run):
    docs, paragraphs, sents = run
    text = docs.set_index("doc_id")["text"]
    paras = paragraphs.set_index(["doc_id", "para_idx"])
    for s in sents.itertuples():
        assert text[s.doc_id][s.start:s.end] == s.text
        p = paras.loc[(s.doc_id, s.para_idx)]
        assert p["start"] <= s.start < s.end <= p["end"]          # never crosses a paragraph
        assert p["text"][s.start - p["start"]:s.end - p["start"]] == s.text
        assert s.text == s.text.strip() and s.text
        assert s.para_role == p["role"]


def test_sentences_cover_each_paragraph(run):
    _, paragraphs, sents = run
    for p in paragraphs.itertuples():
        got = sents[(sents["doc_id"] == p.doc_id) & (sents["para_idx"] == p.para_idx)]
        assert "".join(got["text"]).replace(" ", "") == p.text.replace(" ", "")
        assert (got["start"].to_numpy()[1:] >= got["end"].to_numpy()[:-1]).all()


def test_sent_idx_is_consecutive_per_document(run):
    for doc_id, g in run[2].groupby("doc_id"):
        assert g["sent_idx"].tolist() == list(range(len(g))), doc_id
        assert g["para_idx"].is_monotonic_increasing


def test_positions(run):
    sents = run[2]
    assert set(sents["position"]) == {"headline", "lede", "body"}
    assert (sents["position"].eq("headline") == sents["para_role"].eq("headline")).all()
    for doc_id, g in sents.groupby("doc_id"):
        lede = g[g["position"] == "lede"]
        assert lede["para_idx"].nunique() == 1, doc_id
        first_para = g.loc[g["para_role"] == "paragraph", "para_idx"].min()
        assert lede["para_idx"].iloc[0] == first_para
        assert g.loc[g["para_idx"] < first_para, "position"].isin(["headline"]).all()
    newsx = sents[sents["doc_id"] == "newsx-0504"]
    assert newsx["position"].tolist()[:3] == ["headline", "lede", "body"]
    assert newsx["text"].iloc[0] == "Rajnath Singh To Hold Key Talks With Japanese Defence Minister On May 5"
    assert set(newsx.loc[newsx["para_role"] == "subhead", "position"]) == {"body"}


def test_bundled_hard_cases(run):
    sents = run[2].set_index(["doc_id", "sent_idx"])["text"]
    # ellipses in transcribed speech end sentences
    assert [sents["ani-0504", i][-30:] for i in range(8, 12)] == [
        "work ethic and perseverance...", "fficiency and determination...",
        "t to take risks in his life...", " happen),' Rajnath Singh said."]
    # the missing space in "attack.Rajnath"
    assert sents["ani-0504", 12].endswith("after the Pahalgam terror attack.")
    assert sents["ani-0504", 13].startswith("Rajnath Singh also said that as a Defence Minister")
    # the opening quote of "region. "Defence exchanges" goes to the next sentence
    unk_a = run[2][run[2]["doc_id"] == "unk-a-0505"]["text"].tolist()
    i = next(i for i, t in enumerate(unk_a) if t.startswith('"Defence exchanges have gained strength'))
    assert unk_a[i - 1].endswith("in the Indo-Pacific region.")
    # curly closing quotes stay with their sentence
    mint = run[2][run[2]["doc_id"] == "mint-0505"]["text"].tolist()
    assert mint[3] == ("Appreciating Japan's stance in the Pahalgam terror attack, Rajnath Singh said,“I would like "
                       "to thank the government of Japan for their strong expression of solidarity with India "
                       "in wake of the Pahalgam terrorist attack.”")


def test_count_units(run):
    docs, paragraphs, sents = run
    counted = count_units(docs, paragraphs, sents).set_index("doc_id")
    assert counted["n_sentences"].to_dict() == sents.groupby("doc_id").size().to_dict()
    assert counted["n_paragraphs"].to_dict() == paragraphs.groupby("doc_id").size().to_dict()
    assert (counted["n_tokens"] > counted["n_sentences"]).all()


def test_empty_paragraphs_table():
    empty = pd.DataFrame(columns=["doc_id", "para_idx", "role", "start", "end", "text"])
    assert list(segment(empty).columns) == SENTENCE_COLUMNS and segment(empty).empty


# --- properties -------------------------------------------------------------------------------

POOL = [
    "Gen. Anil Chauhan met the visitors.",
    "The U.S. delegation arrived on Monday.",
    "Mr. Singh welcomed Gen. Nakatani in Delhi.",
    "He said, “We will respond.”",
    "“Defence exchanges have grown,” the ministry said.",
    '"Both sides condemned terrorism," he said.',
    "The talks … went on for hours.",
    "He paused…",
    "Did the ministers agree?",
    "They did!",
    "Talks resumed (after a break) in the afternoon.",
    "Japan offered full support to India.",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(POOL), min_size=1, max_size=8), st.sampled_from([" ", "  ", "\n"]))
def test_concatenated_sentences_split_back(parts, sep):
    text = sep.join(parts)
    got = split_sentences(text)
    assert [text[a:b] for a, b in got] == parts


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .?!…“”\"'(),\n")), max_size=60))
def test_spans_are_ordered_trimmed_and_inside_any_text(text):
    spans = split_sentences(text)
    prev_end = 0
    for a, b in spans:
        assert prev_end <= a < b <= len(text)
        assert text[a:b] == text[a:b].strip()
        prev_end = b
    # nothing but white space is ever left out
    assert "".join("".join(text[a:b].split()) for a, b in spans) == "".join(text.split())
