import random
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis import speakers
from analysis.pipeline import Run
from analysis.segment import split_sentences
from analysis.speakers import normalise_speakers, quotes_attributed, speaker_shares, voices_by_outlet


def docs_and_sentences(texts, outlets=None):
    """Documents and sentences tables for texts whose paragraphs are separated by blank lines."""
    ids = [f"d{i}" for i in range(len(texts))]
    docs = pd.DataFrame({"doc_id": ids, "outlet": outlets or ids, "text": texts})
    rows = []
    for doc_id, text in zip(ids, texts):
        start, k = 0, 0
        for para in text.split("\n\n"):
            for a, b in split_sentences(para):
                rows.append((doc_id, k, start + a, start + b, para[a:b], "paragraph"))
                k += 1
            start += len(para) + 2
    sents = pd.DataFrame(rows, columns=["doc_id", "sent_idx", "start", "end", "text", "para_role"])
    return docs, sents


def attribute(*texts):
    docs, sents = docs_and_sentences(list(texts))
    return quotes_attributed(docs, sents)


def test_split_quote_is_joined_to_one_speaker():
    q = attribute('Rajnath Singh met the press.\n\n"Both sides condemned terrorism in all forms," he said, '
                  '"and agreed to work together on it."')
    direct = q[q["kind"] == "direct"]
    assert list(direct["quote"]) == ["Both sides condemned terrorism in all forms,", "and agreed to work together on it."]
    assert list(direct["speaker"]) == ["Rajnath Singh", "Rajnath Singh"]
    assert list(direct["cue"]) == ["said", "said"]
    assert list(direct["resolved_by"]) == ["pronoun", "pronoun"]
    assert (q["kind"] == "indirect").sum() == 0


def test_it_stated_resolves_to_the_ministry_not_the_last_person():
    text = ('Defence Minister Rajnath Singh met Gen Nakatani.\n\nThe Ministry of Defence underlined that "India and '
            'Japan share a long-term friendship."\n\nThe ministry also highlighted the growing convergence on '
            'strategic issues. "Defence exchanges have gained strength," it stated.')
    q = attribute(text)
    rows = q[["kind", "speaker", "speaker_type", "cue", "resolved_by"]].values.tolist()
    assert rows == [
        ["direct", "Ministry of Defence", "organisation", "underlined", "named"],
        ["indirect", "Ministry of Defence", "organisation", "highlighted", "definite"],
        ["direct", "Ministry of Defence", "organisation", "stated", "pronoun"],
    ]
    first = q.iloc[0]
    assert text[first["start"]:first["end"]] == '"India and Japan share a long-term friendship."'


def test_organisation_after_quote_and_he_after_person():
    q = attribute('"Defence and security are important pillars of the ties," the Defence Ministry stated.\n\n'
                  'Singh spoke next. "It was a delight to meet you in Delhi," he posted.')
    assert list(q["speaker"]) == ["Ministry of Defence", "Singh"]
    assert list(q["cue"]) == ["stated", "posted"]


def test_cue_before_quote_without_space_and_relay_agency():
    q = attribute("Rajnath Singh in his opening remark said,“I recall our meeting at Vientiane in November,” "
                  "ANI reported. At the meeting, the Defence Minister added,“I take this opportunity to thank you.”")
    assert list(q["kind"]) == ["direct", "direct"]
    assert list(q["speaker"]) == ["Rajnath Singh", "Rajnath Singh"]
    assert list(q["via"]) == ["ANI", ""]
    assert list(q["resolved_by"]) == ["named", "role"]


def test_indirect_attribution_patterns():
    text = ("According to the Indian Army, troops fired small arms in several areas.\n\n"
            "Both sides discussed regional security, Ministry of Defence said.\n\n"
            'Singh said Nakatani offered "full support" to India.\n\n'
            "It is learnt that the two sides reviewed the situation at sea.")
    q = attribute(text)
    ind = q[q["kind"] == "indirect"]
    assert list(ind["speaker"]) == ["Indian Army", "Ministry of Defence", "Singh", "unnamed source"]
    assert list(ind["cue"]) == ["according to", "said", "said", "learnt"]
    assert list(ind["quote"]) == ["troops fired small arms in several areas", "Both sides discussed regional security",
                                  'Nakatani offered "full support" to India',
                                  "the two sides reviewed the situation at sea"]
    frag = q[q["kind"] == "direct"].iloc[0]
    assert (frag["quote"], frag["speaker"], frag["resolved_by"], frag["extent"]) == (
        "full support", "Singh", "fragment", "partial")


def test_continuation_quote_takes_previous_speaker():
    q = attribute('In his remarks, Singh said, "We thank Japan for its support".\n\n'
                  '"Both sides condemned terrorism in all its forms and agreed to act."')
    assert list(q["speaker"]) == ["Singh", "Singh"]
    assert list(q["resolved_by"]) == ["named", "continuation"]


def test_unattributed_fragment_has_no_speaker():
    q = attribute('The two ministers also exchanged "views and ideas" on security.')
    assert list(q["speaker"]) == [""] and list(q["speaker_type"]) == ["unknown"]


def test_speaker_names_are_normalised_across_the_corpus():
    names = ["Rajnath Singh", "Singh", "Defence Minister Singh", "Gen Nakatani", "General Nakatani", "Nakatani San",
             "Defence Ministry", "news agency ANI"]
    types = ["person"] * 6 + ["organisation"] * 2
    m = normalise_speakers(names, types)
    assert {m[n] for n in names[:3]} == {"Rajnath Singh"}
    assert {m[n] for n in names[3:6]} == {"Nakatani"}
    assert (m["Defence Ministry"], m["news agency ANI"]) == ("Ministry of Defence", "ANI")


def test_bare_surname_joins_most_frequent_full_name():
    m = normalise_speakers(["Rajnath Singh", "Rajnath Singh", "Manmohan Singh", "Singh"], ["person"] * 4)
    assert m["Singh"] == "Rajnath Singh" and m["Manmohan Singh"] == "Manmohan Singh"


def test_outlet_tables_count_words_and_voices():
    docs, sents = docs_and_sentences(['Singh said, "We thank Japan." The sky was blue.',
                                      'According to the Indian Army, troops fired.'], outlets=["A", "B"])
    q = quotes_attributed(docs, sents)
    v = voices_by_outlet(q, docs, sents).set_index("outlet")
    assert v.loc["A", "n_words"] == 9 and v.loc["A", "n_quoted_words"] == 3
    assert v.loc["A", "quoted_word_share"] == pytest.approx(3 / 9)
    assert v.loc["A", "quote_sentence_share"] == pytest.approx(0.5)
    assert (v.loc["A", "n_voices"], v.loc["B", "n_voices"], v.loc["B", "n_voices_all"]) == (1, 0, 1)
    s = speaker_shares(q, docs)
    assert s[["outlet", "speaker", "n_direct", "n_indirect", "n_quoted_words"]].values.tolist() == [
        ["A", "Singh", 1, 0, 3], ["B", "Indian Army", 0, 1, 0]]


def test_titles_and_nationality_before_a_name_are_dropped():
    q = attribute("Australian Foreign Minister Claire Donnelly said the region faced pressure at sea.\n\n"
                  '"No family will be left alone," Union Home Minister Prakash Deshmane said.\n\n'
                  '"Freedom of navigation is not a slogan," US Secretary of State Daniel Hale said.\n\n'
                  "Collector Anil Suman said the roads were washed out.")
    assert list(q["speaker"]) == ["Claire Donnelly", "Prakash Deshmane", "Daniel Hale", "Anil Suman"]
    assert list(q["speaker_type"]) == ["person"] * 4
    assert q["mention"].iloc[2] == "US Secretary of State Daniel Hale"


def test_plural_common_noun_is_an_unnamed_group_not_a_person():
    q = attribute("District officials said medical teams would reach the camps.\n\n"
                  "Officials said the talks went well. Police Commissioner Rakesh Kumar said the roads were shut.")
    assert q[["speaker", "speaker_type", "resolved_by"]].values.tolist() == [
        ["district officials", "unnamed", "group"], ["officials", "unnamed", "group"],
        ["Rakesh Kumar", "person", "named"]]
    docs, sents = docs_and_sentences(["District officials said the camps were full."])
    assert voices_by_outlet(quotes_attributed(docs, sents), docs, sents)["n_voices_all"].tolist() == [0]


def test_named_person_after_an_organisation_or_role_wins():
    q = attribute('"The Quad is a small clique," Chinese foreign ministry spokesperson Liu Wen told a briefing.\n\n'
                  "The Defence Ministry spokesperson Bharat Babu said the talks were useful.\n\n"
                  "The ministry said the talks were useful.")
    assert q[["kind", "speaker", "speaker_type", "cue"]].values.tolist() == [
        ["direct", "Liu Wen", "person", "told"], ["indirect", "Bharat Babu", "person", "said"],
        ["indirect", "Ministry of Defence", "organisation", "said"]]


def test_passive_cue_is_not_speech_by_the_subject():
    q = attribute("Banks have been told to defer loan repayments for six months.\n\n"
                  "Farmers were told that the money would come.\n\n"
                  '"Wait for the survey," he was told.\n\n'
                  "Finance Minister Asha Rao told farmers that the money would come.")
    assert q[["sent_idx", "kind", "speaker", "cue"]].values.tolist() == [
        [2, "direct", "", ""], [3, "indirect", "Asha Rao", "told"]]


def test_cue_with_addressee_before_quote_is_one_direct_quote():
    q = attribute('Japanese Foreign Minister Kenji Morita told reporters, "Our cooperation is not directed against '
                  'any country. It is directed toward a region where every nation can prosper."')
    assert q[["kind", "speaker", "cue", "resolved_by"]].values.tolist() == [
        ["direct", "Kenji Morita", "told", "named"]]
    assert q["quote"].iloc[0].startswith("Our cooperation")


def test_a_later_listing_type_decides_the_mapping():
    assert normalise_speakers(["Defence Ministry"] * 2, ["person", "organisation"]) == {
        "Defence Ministry": "Ministry of Defence"}
    assert normalise_speakers(["Defence Ministry"] * 2, ["organisation", "person"]) == {
        "Defence Ministry": "Defence Ministry"}


CHUNK_TEXTS = [
    'Defence Minister Rajnath Singh met Gen Nakatani.\n\n"Both sides condemned terrorism," he said, "and agreed '
    'to act."\n\nAccording to the Indian Army, troops fired small arms.',
    'Hale said Nakatani offered "full support" to India.\n\n"Ties are strong," the Defence Ministry stated.',
    "District officials said medical teams would reach the camps. It is learnt that roads were shut.",
    "The sky was blue.",
    '"Freedom of navigation is not a slogan," US Secretary of State Daniel Hale said.\n\n'
    '"We stand together," Hale added, ANI reported.',
]


def run_of(texts, outlets):
    docs, sents = docs_and_sentences(texts, outlets)
    sents["frame_security"] = [i % 2 for i in range(len(sents))]
    return Run(Path("."), Path("."), {"seed": 7}, {}, docs, None, sents)


def test_annotate_on_chunks_concatenates_to_annotate_on_the_whole():
    outlets = ["A", "B", "A", "C", "B"]
    whole = run_of(CHUNK_TEXTS, outlets)
    speakers.annotate(whole)
    docs, sents = whole.documents, whole.sentences
    for cuts in ([2], [1, 4], [3, 4]):
        bounds = [0, *cuts, len(docs)]
        parts = []
        for a, b in zip(bounds, bounds[1:]):
            ids = docs["doc_id"].iloc[a:b]
            chunk = Run(Path("."), Path("."), {"seed": 7}, {}, docs.iloc[a:b].reset_index(drop=True), None,
                        sents[sents["doc_id"].isin(ids)].reset_index(drop=True))
            speakers.annotate(chunk)
            parts.append(chunk.tables)
        for name in ("_speaker_quotes", "_speaker_words"):
            joined = pd.concat([p[name] for p in parts], ignore_index=True)
            pd.testing.assert_frame_equal(joined, whole.tables[name])


def test_annotate_then_summarise_of_concatenated_chunks_is_the_stage():
    outlets = ["A", "B", "A", "C", "B"]
    staged = run_of(CHUNK_TEXTS, outlets)
    message = speakers.stage(staged)
    merged = run_of(CHUNK_TEXTS, outlets)
    parts = []
    for a, b in ((0, 2), (2, 5)):
        chunk = run_of(CHUNK_TEXTS[a:b], outlets[a:b])
        chunk.documents["doc_id"] = merged.documents["doc_id"].iloc[a:b].to_numpy()
        chunk.sentences["doc_id"] = chunk.sentences["doc_id"].map(dict(zip([f"d{i}" for i in range(b - a)],
                                                                            merged.documents["doc_id"].iloc[a:b])))
        speakers.annotate(chunk)
        parts.append(chunk.tables)
    for name in ("_speaker_quotes", "_speaker_words"):
        merged.tables[name] = pd.concat([p[name] for p in parts], ignore_index=True)
    assert speakers.summarise(merged) == message
    assert set(merged.tables) == set(staged.tables) >= {"quotes", "voices_by_outlet", "speaker_shares",
                                                         "speaker_frames"}
    for name, table in staged.tables.items():
        pd.testing.assert_frame_equal(merged.tables[name], table)
    # the bare "Hale" of the second document takes the full name found in the fifth (another chunk)
    raw = merged.tables["_speaker_quotes"]
    assert set(raw.loc[raw["doc_id"] == "d1", "speaker"]) == {"Hale", "Ministry of Defence"}
    q = merged.tables["quotes"]
    assert set(q.loc[q["doc_id"] == "d1", "speaker"]) == {"Daniel Hale", "Ministry of Defence"}


def test_sentence_words_counts_tokenize_tokens_per_document():
    docs, sents = docs_and_sentences(["Japan's PM met India-Japan officials. Ties grew, 2 % a year.", "Hi."])
    w = speakers.sentence_words(sents)
    assert w.values.tolist() == [["d0", 5 + 5], ["d1", 1]]
    more = pd.DataFrame({"doc_id": ["d1", "d9", "d0"]})
    assert speakers.sentence_words(sents, more).values.tolist() == [["d1", 1], ["d9", 0], ["d0", 10]]
    q = quotes_attributed(docs, sents)
    pd.testing.assert_frame_equal(voices_by_outlet(q, docs, sents, words=w), voices_by_outlet(q, docs, sents))


CLAUSE_WORDS = ["said", "also", "further", "on", "Monday", "that", "told", "reporters", ",", ";", ":", '"', "“",
                "”", "he", "The", "minister", "added", "pointed out", "  ", "x" * 50, "said,", 'said "', "saidx", "-"]


def test_cue_clauses_are_the_regex_matches():
    rng = random.Random(0)
    texts = ["The minister said the talks went well, Singh also told reporters that ties grew",
             "In Delhi, Singh said that " + "x" * 130 + " and the ministry said so",
             'He told reporters, "we act" and she said nothing', "x" * 200 + " said"]
    texts += [" ".join(rng.choice(CLAUSE_WORDS) for _ in range(rng.randint(1, 40))) for _ in range(3000)]
    for s in texts:
        want = [(m.span(), m.group("spk"), m.group("cue")) for m in speakers.CUE_CLAUSE.finditer(s)]
        assert [(m.span(), m.group("spk"), m.group("cue")) for m in speakers._cue_clauses(s)] == want


def test_earlier_mentions_are_those_of_a_scan_of_the_prefix():
    text = ("Defence Minister Rajnath Singh's aide met Gen. Nakatani San. The ministry, news agency ANI and US "
            "Secretary of State Daniel Hale spoke; he said Indian Air Force officials and the Ministry of "
            "External Affairs agreed.")
    mentions = speakers._EarlierMentions(text)
    for end in [*range(len(text), -1, -7), *range(0, len(text) + 1)]:
        want = [men[:2] for m in speakers.MENTION.finditer(text[:end]) if (men := speakers._named_mention(m))]
        assert mentions.before(end) == want
    assert mentions.before(len(text)) == [
        ("Defence Minister Rajnath Singh's", "person"), ("Gen. Nakatani San.", "person"), ("ANI", "organisation"),
        ("US Secretary of State Daniel Hale", "person"), ("Indian Air Force", "organisation"),
        ("Ministry of External Affairs", "organisation")]


def test_words_before_a_surname_are_the_regex_matches():
    rng = random.Random(1)
    pieces = ["A", "Bc", "Singh", "Sin", "gh", ",", "Minister", "Defence", "Gen", "ab", "Singh's", "McX", "  "]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) + rng.choice([" ", "", " "]) for _ in range(rng.randint(1, 20)))
        surname = rng.choice(["Singh", "Singh's", "Bc", "gh"])
        want = [m.group(1) for m in re.finditer(r"((?:[A-Z][a-z]+ ){1,3})" + re.escape(surname), text)]
        assert list(speakers._before_surname(text, surname)) == want
    assert speakers._titles("Defence Minister Rajnath Singh met Gen Singh.", "Rajnath Singh") == {
        "defence minister", "gen", ""}
