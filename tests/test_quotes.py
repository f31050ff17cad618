import pandas as pd

from analysis.quotes import quote_spans, sentence_voice


def inner(text):
    return [text[q.inner_start:q.inner_end] for q in quote_spans(text)]


def test_curly_quote_without_space_after_comma():
    text = "Rajnath Singh said,“I would like to thank Japan.” At the meeting he added,“I take this opportunity.”"
    assert inner(text) == ["I would like to thank Japan.", "I take this opportunity."]


def test_quote_over_two_sentences_is_one_span():
    text = 'He posted, "It was a delight. India shares a partnership with Japan." Then he left.'
    (q,) = quote_spans(text)
    assert text[q.inner_start:q.inner_end] == "It was a delight. India shares a partnership with Japan."
    assert q.extent == "full" and q.closed


def test_split_quote_gives_two_spans():
    text = '"Both sides condemned terrorism," he said, "and agreed to work together on it."'
    assert inner(text) == ["Both sides condemned terrorism,", "and agreed to work together on it."]


def test_partial_quote_and_apostrophes():
    text = "Japan's minister offered \"full support\" to India's government."
    (q,) = quote_spans(text)
    assert text[q.inner_start:q.inner_end] == "full support" and q.extent == "partial"


def test_unclosed_quote_stops_before_trailing_attribution():
    text = "\"You all know his work ethic... I want to assure you 'it will happen,' Rajnath Singh said."
    (q,) = quote_spans(text)
    assert not q.closed
    assert text[q.inner_start:q.inner_end] == "You all know his work ethic... I want to assure you 'it will happen,'"


def test_quote_never_runs_past_paragraph():
    text = '"An open quote with no end\n\nNext paragraph is narration.'
    (q,) = quote_spans(text)
    assert q.end == text.index("\n")


def test_sentence_voice_splits_narration_and_quote():
    text = 'Singh said, "Defence ties are strong and growing every single year." The ministry agreed.'
    docs = pd.DataFrame({"doc_id": ["d"], "text": [text]})
    cut = text.index(" The")
    sents = pd.DataFrame({"doc_id": ["d", "d"], "sent_idx": [0, 1], "start": [0, cut + 1], "end": [cut, len(text)],
                          "text": [text[:cut], text[cut + 1:]]})
    v = sentence_voice(docs, sents)
    assert v.loc[0, "quoted_text"] == "Defence ties are strong and growing every single year."
    assert v.loc[0, "narration_text"] == 'Singh said, " "'
    assert list(v["voice"]) == ["quote", "narration"]


def test_curly_split_quote_and_quote_after_colon():
    text = "“Both sides condemned terrorism,” he said, “and agreed to act.” The ministry said: \"Ties are strong.\""
    assert inner(text) == ["Both sides condemned terrorism,", "and agreed to act.", "Ties are strong."]


def test_quotes_table_offsets_point_into_the_text():
    from analysis.quotes import quotes_table

    text = 'Singh said, "We thank Japan." Then "full support" was offered.'
    t = quotes_table(pd.DataFrame({"doc_id": ["d"], "text": [text]}))
    assert list(t["quote"]) == ["We thank Japan.", "full support"]
    assert [text[a:b] for a, b in zip(t["start"], t["end"])] == ['"We thank Japan."', '"full support"']
    assert list(t["extent"]) == ["partial", "partial"]


def test_sentence_voice_with_two_quotes_and_a_single_curly_quote():
    text = 'He said "We agree" and "we act" today. ‘Fine’ she wrote.'
    assert inner(text) == ["We agree", "we act", "Fine"]
    cut = text.index(" ‘")
    docs = pd.DataFrame({"doc_id": ["d"], "text": [text]})
    sents = pd.DataFrame({"doc_id": ["d", "d"], "sent_idx": [0, 1], "start": [0, cut + 1], "end": [cut, len(text)],
                          "text": [text[:cut], text[cut + 1:]]})
    assert sentence_voice(docs, sents).values.tolist() == [
        ["d", 0, 12, 'He said " " and " " today.', "We agree we act", "narration"],
        ["d", 1, 4, "‘ ’ she wrote.", "Fine", "narration"]]


def test_quote_marks_inside_words_and_stray_closing_marks():
    # a straight mark after a letter closes (nothing is open: ignored); a stray ” is ignored;
    # ’ followed by a letter is an apostrophe, so the single quote closes at the next ’
    text = 'It"s a stray” mark. Then “one” and ‘it’s two’ here.'
    assert inner(text) == ["one", "it’s two"]
