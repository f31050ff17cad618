"""Furniture removal: named lines of the bundled corpus both ways, synthetic pages, the audit."""
import pytest

from analysis.clean import audit_summary, clean_corpus, clean_text, load_furniture, reason_category
from analysis.corpus import read_corpus
from analysis.errors import ConfigError, CorpusError
from analysis.paths import BUNDLED_CORPUS
from conftest import ARTICLE, write_corpus

NEWSX_HEADLINE = "Rajnath Singh To Hold Key Talks With Japanese Defence Minister On May 5"


@pytest.fixture(scope="module")
def cleaned():
    raw = read_corpus(BUNDLED_CORPUS)
    docs, paragraphs, audit = clean_corpus(raw)
    return raw, docs.set_index("doc_id"), paragraphs, audit


def line(audit, doc_id, line_no):
    """The audit row of one raw line."""
    row = audit[(audit["doc_id"] == doc_id) & (audit["line_no"] == line_no)]
    assert len(row) == 1, (doc_id, line_no)
    return row.iloc[0]


# --- bundled corpus: named lines, kept -------------------------------------------------------

@pytest.mark.parametrize("doc_id, line_no, role, reason, starts", [
    ("newsx-0504", 27, "headline", "headline", NEWSX_HEADLINE),
    ("newsx-0504", 29, "paragraph", "article text", "Defence Minister Rajnath Singh will host"),
    ("newsx-0504", 40, "subhead", "subhead inside the article body", "Rajnath Singh, Japanese Counterpart to Focus"),
    ("newsx-0504", 62, "subhead", "subhead inside the article body", "Monitoring Chinese Assertiveness"),
    ("newsx-0504", 68, "paragraph", "article text", "“Its significance is increasing"),
    ("mint-0505", 13, "subhead", "subhead inside the article body", "Rajnath Singh's upcoming Russia visit"),
    ("mint-0505", 15, "paragraph", "article text", "On May 9, Rajnath Singh will represent India"),
    ("unk-b-0505", 11, "paragraph", "article text", "It is learnt that the two sides also reviewed"),
    ("ani-0504", 13, "paragraph", "article text", '"You all know Prime Minister Narendra Modi'),
])
def test_named_lines_are_kept(cleaned, doc_id, line_no, role, reason, starts):
    _, _, paragraphs, audit = cleaned
    row = line(audit, doc_id, line_no)
    assert row["kept"] and row["role"] == role and row["reason"] == reason
    assert row["text"].strip().startswith(starts)
    para = paragraphs[(paragraphs["doc_id"] == doc_id) & (paragraphs["para_idx"] == row["para_idx"])].iloc[0]
    assert para["role"] == role and para["text"].startswith(starts)


# --- bundled corpus: named lines, removed ----------------------------------------------------

@pytest.mark.parametrize("doc_id, line_no, reason", [
    ("newsx-0504", 3, "known furniture phrase"),                       # "Settings"
    ("newsx-0504", 7, "known furniture phrase"),                       # "×"
    ("newsx-0504", 11, "outside the article body"),                    # settings-panel prose
    ("newsx-0504", 19, "outside the article body"),                    # "... 11 global languages."
    ("newsx-0504", 21, "date line"),                                   # "Monday, May 5, 2025"
    ("newsx-0504", 25, "navigation bullet"),                           # breadcrumb with the headline
    ("newsx-0504", 31, "repeats line 27"),                             # the headline again
    ("newsx-0504", 46, "known furniture phrase"),                      # ad inside the body
    ("newsx-0504", 70, "agency credit line"),                          # "With inputs from agencies."
    ("newsx-0504", 72, "known furniture prefix 'also read:'"),
    ("newsx-0504", 74, "opens a block of links"),                      # "Filed under"
    ("newsx-0504", 76, "in the block of links opened at line 74"),     # the tags
    ("newsx-0504", 95, "in the block of links opened at line 74"),     # headline in the related list
    ("newsx-0504", 163, "in the block of links opened at line 143"),   # last line of the page
    ("unk-b-0505", 12, "opens a block of links"),                      # "You may also like"
])
def test_named_lines_are_removed(cleaned, doc_id, line_no, reason):
    row = line(cleaned[3], doc_id, line_no)
    assert not row["kept"]
    assert row["reason"] == reason and row["para_idx"] == -1 and row["role"] == ""


def test_unk_b_related_block_is_removed_whole(cleaned):
    audit = cleaned[3]
    doc = audit[audit["doc_id"] == "unk-b-0505"].set_index("line_no")
    assert doc.loc[1:11, "kept"].all()
    assert not doc.loc[12:17, "kept"].any()
    assert set(doc.loc[13:17, "reason"]) == {"in the block of links opened at line 12"}
    assert "Navi Mumbai" not in cleaned[1].loc["unk-b-0505", "text"]


def test_newsx_keeps_only_the_article(cleaned):
    _, docs, paragraphs, audit = cleaned
    doc = audit[audit["doc_id"] == "newsx-0504"]
    kept = doc.loc[doc["kept"], "line_no"].tolist()
    assert kept == [27, 29, 33, 36, 38, 40, 42, 44, 48, 50, 52, 54, 56, 58, 60, 62, 64, 66, 68]
    roles = paragraphs.loc[paragraphs["doc_id"] == "newsx-0504", "role"].tolist()
    assert roles == ["headline"] + ["paragraph"] * 4 + ["subhead", "paragraph", "paragraph"] * 2 + \
        ["subhead"] + ["paragraph"] * 3 + ["subhead"] + ["paragraph"] * 3
    text = docs.loc["newsx-0504", "text"]
    assert text.count(NEWSX_HEADLINE) == 1
    for furniture in ("Settings", "Reading Mode", "Advertisement", "Filed under", "Met Gala", "With inputs"):
        assert furniture not in text


@pytest.mark.parametrize("doc_id, first, last", [
    ("mint-0505", "Defence Minister Rajnath Singh held a bilateral meeting",
     "However, PM is unlikely to travel to Russia, according to news agency ANI."),
    ("unk-a-0505", "Defence Minister Rajnath Singh on Monday held bilateral talks",
     "Rajouri, Mendhar, Nowshera, Sunderbani and Akhnoor."),
    ("ani-0504", "Defence Minister Rajnath Singh will hold a bilateral meeting",
     'give a "befitting reply" to those "who dare to attack our countr"'),
    ("unk-b-0505", "Defence Minister Rajnath Singh on Monday hosted his Japanese counterpart",
     "where Beijing has been increasing its military posturing."),
    ("newsx-0504", NEWSX_HEADLINE + "\n\nDefence Minister Rajnath Singh will host",
     "“Its significance is increasing from the common outlook on issues of peace, security and stability "
     "of the Indo-Pacific Region,” it further noted."),
])
def test_first_and_last_sentences_are_kept(cleaned, doc_id, first, last):
    text = cleaned[1].loc[doc_id, "text"]
    assert text.startswith(first)
    assert text.endswith(last)


def test_header_dateline_and_credit_move_to_metadata(cleaned):
    docs = cleaned[1]
    meta = docs[["header_date", "dateline", "credit"]].to_dict("index")
    assert meta == {
        "mint-0505": {"header_date": "2025-05-05", "dateline": "", "credit": "MENAFN - Live Mint"},
        "unk-a-0505": {"header_date": "2025-05-05", "dateline": "New Delhi, May 5", "credit": ""},
        "ani-0504": {"header_date": "2025-05-04", "dateline": "New Delhi [India], May 4 (ANI)", "credit": "ANI"},
        "unk-b-0505": {"header_date": "", "dateline": "New Delhi", "credit": ""},
        "newsx-0504": {"header_date": "2025-05-04", "dateline": "", "credit": "With inputs from agencies"},
    }
    for doc_id, text in docs["text"].items():
        assert "date 2025" not in text and "MENAFN" not in text and "(ANI)" not in text, doc_id
        assert not text.startswith("New Delhi"), doc_id
    assert line(cleaned[3], "ani-0504", 15)["reason"] == "article text; credit 'ANI' moved to metadata"
    assert line(cleaned[3], "mint-0505", 1)["reason"] == (
        "article text; header field date=2025-05-05 moved to metadata; credit 'MENAFN - Live Mint' moved to metadata")


def test_title_comes_from_manifest_or_headline(cleaned):
    docs = cleaned[1]
    assert docs.loc["newsx-0504", "title"] == NEWSX_HEADLINE
    assert docs.loc["mint-0505", "title"] == ""   # no headline in the scraped text


def test_raw_text_is_never_modified(cleaned):
    raw, docs, _, audit = cleaned
    for path, doc_id in zip(raw["path"], raw["doc_id"]):
        on_disk = (BUNDLED_CORPUS / path).read_bytes().decode("utf-8")
        assert raw.set_index("doc_id").loc[doc_id, "raw_text"] == on_disk
        assert docs.loc[doc_id, "raw_text"] == on_disk
        # every raw line appears once in the audit, unchanged and in order
        lines = audit.loc[audit["doc_id"] == doc_id].sort_values("line_no")
        assert lines["line_no"].tolist() == list(range(1, on_disk.count("\n") + 2))
        assert "\n".join(lines["text"]) == on_disk


def test_paragraph_offsets_index_the_cleaned_text(cleaned):
    _, docs, paragraphs, audit = cleaned
    for p in paragraphs.itertuples():
        assert docs.loc[p.doc_id, "text"][p.start:p.end] == p.text
    for doc_id, paras in paragraphs.groupby("doc_id"):
        assert paras["para_idx"].tolist() == list(range(len(paras)))
        kept = audit[(audit["doc_id"] == doc_id) & audit["kept"]]
        assert kept["para_idx"].tolist() == paras["para_idx"].tolist()
        assert kept["role"].tolist() == paras["role"].tolist()


def test_audit_summary_counts_every_nonblank_line(cleaned):
    audit = cleaned[3]
    summary = audit_summary(audit)
    assert summary.index.tolist() == ["mint-0505", "unk-a-0505", "ani-0504", "unk-b-0505", "newsx-0504"]
    assert summary.loc["unk-b-0505", "kept"] == 11 and summary.loc["unk-b-0505", "related-links block"] == 6
    assert summary.loc["newsx-0504", "kept"] == 19 and summary.loc["newsx-0504", "repeated line"] == 1
    nonblank = audit[audit["reason"] != "blank line"].groupby("doc_id").size()
    assert (summary.sum(axis=1) == nonblank.reindex(summary.index)).all()


@pytest.mark.parametrize("reason, kept, category", [
    ("article text", True, "kept"),
    ("repeats line 27", False, "repeated line"),
    ("in the block of links opened at line 74", False, "related-links block"),
    ("known furniture prefix 'also read:'", False, "known furniture phrase"),
    ("something new", False, "other"),
])
def test_reason_category(reason, kept, category):
    assert reason_category(reason, kept) == category


# --- synthetic pages --------------------------------------------------------------------------

PARAS = [
    "Ministers from India and Japan met in Tokyo on Monday to discuss closer defence ties between the two countries.",
    "Both sides agreed to hold joint naval exercises next year, the defence ministry said in a statement.",
    "Officials said the talks also covered the supply of spare parts and the repair of ships in each other's ports.",
    "The next round of talks is expected in Delhi later this year, according to people familiar with the plans.",
]


def test_synthetic_page_keeps_only_the_article():
    page = "\n".join([
        "Home", "World", "Politics", "Menu", "",
        "Ministers Agree On Closer Defence Ties", "",
        PARAS[0], "", "Share", "Share this article", "",
        PARAS[1], "", "Also Read: Navy Chief Visits Port Blair Ahead Of Exercise", "",
        PARAS[2], "", PARAS[3], "",
        "Follow us on Twitter", "You may also like", "Five Things To Know About The New Budget",
        "Cricket Team Announced For The Tour", "",
        "© 2025 Example News. All rights reserved.", "Copyright Example Media Ltd",
    ])
    res = clean_text(page)
    headline = ("Ministers Agree On Closer Defence Ties", "headline")
    assert res.paragraphs == [headline] + [(p, "paragraph") for p in PARAS]
    reasons = {raw: reason for _, raw, kept, reason, _, _ in res.audit if not kept and raw}
    assert reasons == {
        "Home": "known furniture phrase", "World": "known furniture phrase", "Politics": "known furniture phrase",
        "Menu": "known furniture phrase", "Share": "known furniture phrase",
        "Share this article": "known furniture phrase",
        "Also Read: Navy Chief Visits Port Blair Ahead Of Exercise": "known furniture prefix 'also read:'",
        "Follow us on Twitter": "known furniture prefix 'follow us on'",
        "You may also like": "opens a block of links",
        "Five Things To Know About The New Budget": "in the block of links opened at line 22",
        "Cricket Team Announced For The Tour": "in the block of links opened at line 22",
        "© 2025 Example News. All rights reserved.": "known furniture prefix '©'",
        "Copyright Example Media Ltd": "known furniture prefix 'copyright'",
    }
    assert len(res.audit) == page.count("\n") + 1


def test_clean_text_without_furniture_removes_nothing():
    text = "\n\n".join(PARAS) + "\n"
    res = clean_text(text)
    assert res.text == "\n\n".join(PARAS)
    assert [kept for _, raw, kept, *_ in res.audit if raw] == [True] * 4
    assert {reason for _, raw, _, reason, _, _ in res.audit if not raw} == {"blank line"}
    assert res.meta == {"credit": "", "dateline": ""}


@pytest.mark.filterwarnings("error")   # no headline anywhere: filling titles must not warn
def test_clean_corpus_without_furniture_keeps_every_line(small_corpus):
    docs, paragraphs, audit = clean_corpus(read_corpus(small_corpus))
    assert docs["text"].tolist() == [ARTICLE.strip(), ARTICLE.replace("Tokyo", "Delhi").strip()]
    assert audit.loc[audit["text"] != "", "kept"].all()
    assert paragraphs["role"].eq("paragraph").all() and len(paragraphs) == 4
    assert docs["title"].tolist() == ["", ""]


def test_manifest_title_picks_the_headline_among_headings():
    page = "Breaking Coverage\n\nTalks In Tokyo\n\nSomething Else Entirely\n\n" + "\n\n".join(PARAS[:2])
    assert clean_text(page).paragraphs[0] == ("Something Else Entirely", "headline")
    res = clean_text(page, title="Talks in Tokyo")
    assert res.paragraphs[0] == ("Talks In Tokyo", "headline")
    assert [role for _, role in res.paragraphs] == ["headline", "paragraph", "paragraph"]


def test_text_without_prose_keeps_non_furniture_lines():
    res = clean_text("Home\nTalks in Tokyo\nministers agree on closer ties")
    assert res.paragraphs == [("Talks in Tokyo", "paragraph"), ("ministers agree on closer ties", "paragraph")]


def test_all_furniture_document_is_an_error(tmp_path):
    folder = write_corpus(tmp_path / "c", ["a,A,a.txt", "b,B,b.txt"],
                          {"a.txt": "Home\nMenu\nSubscribe\n", "b.txt": ARTICLE})
    with pytest.raises(CorpusError, match=r"document 'a': no article text is left after cleaning.*cleaning_audit"):
        clean_corpus(read_corpus(folder))


def test_bad_furniture_file_names_the_file(tmp_path):
    bad = tmp_path / "furniture.toml"
    bad.write_text('phrases = ["home"]\n[credits]\nleading = ["(unclosed"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"furniture.toml, \[credits\] leading: bad regular expression"):
        load_furniture(bad)
    custom = tmp_path / "custom.toml"
    custom.write_text('phrases = ["Breaking"]\n', encoding="utf-8")
    res = clean_text("Breaking\n\n" + PARAS[0], furniture=load_furniture(custom))
    assert res.audit[0][2:4] == (False, "known furniture phrase")


def test_shared_headings_counted_in_forked_slices_are_the_same_keys(monkeypatch):
    import analysis.clean as clean

    texts = [f"Home | World | Sport\nRelated stories\nSection {i % 4}\n{ARTICLE}\nMore from desk {i % 2}"
             for i in range(9)]
    serial = clean.shared_heading_keys(texts)
    monkeypatch.setattr(clean, "HEADING_SLICE", 2)  # five slices over two forked processes
    assert clean.shared_heading_keys(texts, workers=2) == serial
    assert serial == {"home | world | sport", "related stories", "section 0", "more from desk 0", "more from desk 1"}
    assert clean.shared_heading_keys(texts[:2], workers=2) == frozenset()  # in fewer than 3 documents


def test_english_check_uses_the_shares_of_the_per_document_part():
    import warnings

    import pandas as pd

    from analysis.clean import english_shares, warn_not_english
    from analysis.errors import CorpusWarning

    docs = pd.DataFrame({"doc_id": ["en", "de"], "text": [ARTICLE, " ".join(["Verteidigungsminister Treffen"] * 15)]})
    shares = english_shares(docs)
    assert shares["n_words"].tolist()[1] == 30 and shares["english_share"].tolist()[1] == 0.0
    assert shares["english_share"].tolist()[0] > 0.2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_not_english(docs, shares)
    assert [str(w.message).split(":")[0] for w in caught if w.category is CorpusWarning] == ["document 'de'"]
