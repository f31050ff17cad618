import pandas as pd
import pytest

from analysis.claims import (claim_coverage, claim_positions, content_stems, group_claims, own_claims,
                             similarity_matrix)
from analysis.errors import ConfigError

ARTICLES = {
    "a": ["Ministers meet in Delhi",                                      # headline: left out
          "The defence ministers held talks in Delhi on Monday.",
          "Tokyo offered full support after the terror attack.",
          "The Guard of Honour welcomed the guest at the memorial."],
    "b": ["The defence ministers will hold talks in Delhi on Monday.",
          "Both navies plan joint exercises in the Pacific next year."],
    "c": ["Tokyo offered its full support after the terror attack, an official said.",
          "The defence ministers held talks in Delhi.",
          "Cricket scores dominated the evening bulletin."],
}


def tables():
    rows = []
    for doc_id, sents in ARTICLES.items():
        for i, text in enumerate(sents):
            role = "headline" if (doc_id == "a" and i == 0) else "paragraph"
            rows.append((doc_id, i, role, text))
    sentences = pd.DataFrame(rows, columns=["doc_id", "sent_idx", "para_role", "text"])
    documents = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["A", "B", "C"]})
    return sentences, documents


def members(claims):
    return sorted(sorted(zip(g["doc_id"], g["sent_idx"])) for _, g in claims.groupby("claim_id"))


def test_same_fact_in_different_words_is_one_claim_and_every_sentence_is_in_one():
    sentences, _ = tables()
    claims = group_claims(sentences)
    assert members(claims) == [
        [("a", 1), ("b", 0), ("c", 1)],          # talks in Delhi (held / will hold)
        [("a", 2), ("c", 0)],                    # Tokyo's full support
        [("a", 3)], [("b", 1)], [("c", 2)],      # each outlet's own
    ]
    assert len(claims) == 8 and not claims.duplicated(["doc_id", "sent_idx"]).any()
    assert ("a", 0) not in set(zip(claims["doc_id"], claims["sent_idx"]))
    assert list(claims["claim_id"].drop_duplicates()) == ["c001", "c002", "c003", "c004", "c005"]


def test_coverage_positions_and_own_claims():
    sentences, documents = tables()
    claims = group_claims(sentences)
    pos = claim_positions(claims, documents)
    talks = pos[pos["claim_id"] == "c001"].set_index("outlet")
    assert talks.loc["A", "rank"] == 1 and talks.loc["A", "first_sent_idx"] == 1
    assert talks.loc["C", "rank"] == 2 and talks.loc["C", "relative_position"] == pytest.approx(0.5)
    assert talks.loc["B", "relative_position"] == pytest.approx(0.0)
    cov = claim_coverage(claims, pos).set_index("claim_id")
    assert cov.loc["c001", "n_outlets"] == 3 and cov.loc["c001", "outlets"] == "A; B; C"
    assert cov.loc["c001", "positions"] == "A: 1 (0.00); B: 1 (0.00); C: 2 (0.50)"
    assert cov.loc["c002", "outlets"] == "C; A"
    own = own_claims(cov.reset_index(), pos)
    assert own[["outlet", "claim_id", "rank"]].values.tolist() == [["A", "c003", 3], ["B", "c004", 2],
                                                                  ["C", "c005", 3]]


def test_threshold_one_keeps_only_identical_sentences_together():
    s = pd.DataFrame({"doc_id": ["a", "b", "c"], "sent_idx": [0, 0, 0], "para_role": ["paragraph"] * 3,
                      "text": ["Talks were held in Delhi.", "Talks were held in Delhi.", "Talks will be held soon."]})
    assert members(group_claims(s, threshold=1.0)) == [[("a", 0), ("b", 0)], [("c", 0)]]
    with pytest.raises(ConfigError, match="claims_threshold"):
        group_claims(s, threshold=0)


def test_stems_and_similarity():
    assert content_stems("The ministers discussed meetings") == ["minist", "discuss", "meet"]
    sim = similarity_matrix(["talks in Delhi", "Delhi talks", "cricket scores"])
    assert sim[0, 1] == pytest.approx(1.0) and sim[0, 2] == pytest.approx(0.0)
