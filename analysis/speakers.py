"""Who speaks: the speaker and cue of every quotation, indirect attribution, and voices per outlet.

Why by hand: quotation attribution tools (textacy's ``direct_quotations``, spaCy-based
attribution) need a dependency parse from a downloaded statistical model, which the suite may not
fetch. News copy attributes speech in a few fixed shapes, so documented patterns do the work:

Direct quotes (``kind="direct"``; spans from :func:`analysis.quotes.quote_spans`)
    1. *cue before*: the text between the last clause boundary (sentence start, ``,`` ``;`` or the
       previous quote) and the quote ends in a cue verb, optionally with ``that`` and ``,``/``:``
       (``Rajnath Singh in his opening remark said,“…”``, ``The Ministry of Defence underlined
       that "…"``, ``It added, “…”``); up to four words may follow the cue when a comma or colon
       closes them (``Kenji Morita told reporters, "…"``). The speaker is the first mention in
       that clause. This also joins split quotes: in ``"A," he said, "B."`` the second quote's
       clause is ``he said,``.
    2. *cue after*: the quote is followed (within its sentence) by ``SPEAKER [also|further] CUE``
       or ``CUE SPEAKER`` (``," Rajnath Singh added.``, ``," said the minister``). When both 1 and 2
       apply and differ, 1 is the speaker and 2 the relay (``via``: ``… ,” ANI reported``).
    3. *continuation*: a quote with no cue of its own, opening its sentence, belongs to the
       speaker of the previous quotation in the same or the preceding paragraph.
    4. *fragment*: a short quoted fragment inside an indirect attribution (``Singh said Nakatani
       offered "full support"``) takes that attribution's speaker; otherwise speaker is empty.
Indirect attribution (``kind="indirect"``; one row per sentence, span = the reported content)
    ``according to X, …`` / ``…, according to X``; ``X [also] CUE [that] …`` when no quote mark
    follows the cue; ``…, X CUE.`` at the end of a sentence; and unnamed sourcing ``It is learnt /
    understood / expected that …`` (speaker ``unnamed source``, type ``unnamed``).
Passive cues are not speech by their subject: ``Banks have been told to …``, ``he was told, "…"``
(a cue right after *be/been/was/were/is/are/get/got*) attribute nothing.

Mentions and resolution
    A mention is, whichever comes first in the clause: an organisation (``Ministry of Defence``,
    ``Defence Ministry``, ``the ministry``, ``Indian Army``, ``the release``, news agencies), a
    role (``the Defence Minister``), a pronoun (``he she it they``) or a capitalised name with
    optional titles (``Defence Minister Rajnath Singh``, ``US Secretary of State Daniel Hale``). A
    named person right after an organisation or role wins over it (``Chinese foreign ministry
    spokesperson Liu Wen`` is Liu Wen, ``the Defence Minister Rajnath Singh`` is Rajnath Singh). A
    plural common noun, alone or after a capitalised adjective (``Officials``, ``District officials``,
    ``Analysts``), is an unnamed group: speaker ``district officials``, type ``unnamed``, resolved
    by ``group``; groups are not counted as voices and pronouns never resolve to them. Pronouns
    are resolved to the nearest earlier *speaker* in the document of the matching type
    (``he``/``she`` -> person, ``it`` -> organisation, ``they`` -> either), falling back to the
    nearest earlier mention in the text;
    so ``"…," it stated`` after ``The ministry also highlighted …`` is the ministry. Roles resolve
    to the nearest earlier speaker who carried that title, else the nearest person speaker.
    ``the ministry`` / ``the release`` / ``the statement`` resolve to the nearest earlier ministry
    or organisation mention. Gender is not checked.

Normalising names (:func:`normalise_speakers`): titles, honorifics and nationality adjectives
are dropped (``Defence Minister``, ``Union Home Minister``, ``Australian``, ``General``, ``Gen``,
``San``...), as is every lower-case word, full names are grouped by surname across the
corpus, and a bare surname joins its full name (the most frequent one when several share it):
``Rajnath Singh / Singh / Defence Minister Singh`` -> ``Rajnath Singh``; ``Gen Nakatani /
General Nakatani / Nakatani San`` -> ``Nakatani``. ``Defence Ministry`` and ``MoD`` become
``Ministry of Defence``; ``news agency ANI`` becomes ``ANI``. Two different people who share a
surname and never appear with first names are merged: read the ``mention`` column.

Stage: attribution is per document (:func:`annotate`, which chunks of documents can run
separately); normalising names is the one step across the corpus, so it is done by
:func:`summarise` on all documents' attributions, before the outlet tables.

References
----------
Pouliquen, B., Steinberger, R. & Best, C. (2007). Automatic detection of quotations in
multilingual news. *RANLP 2007*, 487-492. (cue-verb and quote-mark patterns)
Pareti, S. (2016). PARC 3.0: A corpus of attribution relations. *LREC 2016*. (source, cue,
content; direct and indirect attribution)
"""
from __future__ import annotations

import re
import string
from bisect import bisect_right
from collections import Counter
from functools import lru_cache

import numpy as np
import pandas as pd

from .quotes import CUE_VERBS, quote_spans
from .tokens import TOKEN, tokenize

CUES = CUE_VERBS + ("reported", "reports", "highlights", "assures", "tells", "underlines", "notes",
                    "writes", "posts", "maintained", "pointed out", "conveyed")
CUE = r"(?:" + "|".join(sorted(CUES, key=len, reverse=True)) + r")"
TITLE_WORDS = {
    "defence", "defense", "foreign", "home", "external", "affairs", "prime", "deputy", "chief", "minister",
    "ministers", "pm", "president", "general", "gen", "gen.", "lt", "admiral", "mr", "mrs", "ms", "dr", "san",
    "secretary", "spokesperson", "ambassador", "japanese", "indian", "russian", "chinese", "pakistani",
    "russia's", "japan's", "india's", "counterpart", "official", "his", "her", "their",
    # titles written before a name (``Union Home Minister``, ``US Secretary of State``, ``District Collector``)
    "union", "state", "of", "us", "uk", "eu", "un", "collector", "district", "governor", "mayor", "senator",
    "commissioner", "director", "spokesman", "spokeswoman", "envoy", "adviser", "advisor", "ministry",
    "finance", "interior", "trade", "environment", "health", "agriculture", "opposition", "leader", "police",
    # nationality adjectives
    "australian", "american", "british", "french", "german", "korean", "vietnamese", "filipino",
    "indonesian", "bangladeshi", "nepali", "sri", "lankan",
}
# plural (or collective) common nouns: ``Officials said``, ``District officials said`` are unnamed groups
GROUP_NOUNS = ("officials", "sources", "authorities", "police", "officers", "analysts", "experts", "diplomats",
               "residents", "villagers", "doctors", "hospitals", "workers", "farmers", "leaders", "members",
               "observers", "witnesses", "engineers", "economists", "investors", "activists", "volunteers",
               "critics", "people", "staff", "administration", "spokespersons", "insiders", "aides")
PASSIVE = re.compile(r"\b(?:am|is|are|was|were|be|been|being|get|gets|got|getting)\s*$", re.I)
GROUP = re.compile(r"(?:[A-Z][a-z]+\s+)?(?:" + "|".join(f"[{n[0].upper()}{n[0]}]{n[1:]}" for n in GROUP_NOUNS)
                   + r")\b")
ROLE_NOUN = r"(?i:spokes(?:person|man|woman)|official|minister|secretary|chief|head|director|envoy|ambassador|adviser)"
ORG = (r"(?:news agency [A-Z][A-Za-z]+|Ministry of [A-Z][a-z]+(?: Affairs)?|(?:[A-Z][a-z]+ )?Ministry|ministry"
       r"|Indian (?:Army|Navy|Air Force)|[Aa]rmy|[Gg]overnment(?: of [A-Z][a-z]+)?|release|statement"
       r"|ANI|PTI|Reuters|AFP|IANS|PIB|MoD|MEA)")
ROLE = r"(?:(?:Japanese|Indian) )?(?:Defen[cs]e Minister|Prime Minister|Foreign Minister|minister|official|spokesperson)"
NAME = r"(?:[A-Z][a-z]+\.? ){0,4}[A-Z][a-z]+(?:'s)?(?: San)?"
# a name may carry an acronym and an ``X of`` title before it: ``US Secretary of State Daniel Hale``
TITLED_NAME = rf"(?:[A-Z]{{2,3}} )?(?:(?:[A-Z][a-z]+ ){{1,3}}of )?{NAME}"
MENTION = re.compile(rf"\b(?:(?P<org>(?:[Tt]he )?{ORG})|(?P<role>[Tt]he {ROLE})|(?P<pron>[Hh]e|[Ss]he|[Ii]t|[Tt]hey)"
                     rf"|(?P<name>{TITLED_NAME}))\b")
# a named person right after an organisation or role wins: ``foreign ministry spokesperson Liu Wen``,
# ``the Defence Minister Rajnath Singh``
NAME_AFTER_ORG = re.compile(rf"(?:\s+[A-Za-z]+){{0,2}}?\s+{ROLE_NOUN}\s+(?P<name>{NAME})\b")
NAME_AFTER_ROLE = re.compile(rf"\s+(?P<name>{NAME})\b")
# ``said,`` / ``underlined that`` / ``told reporters,``: up to four words (addressee, time, place) may sit
# between the cue and the quote, but only when a comma or colon closes them
CUE_BEFORE = re.compile(rf"\b(?P<cue>{CUE})(?:\s*(?:that\s*)?[,:]?|(?:\s+(?!that\b)[\w'’-]+){{1,4}}\s*[,:])\s*$")
CUE_AFTER = re.compile(rf"^[\s,.]*(?:(?P<spk>[^\"“”.;]{{1,70}}?)\s+(?:also |further )?(?P<cue>{CUE})\b"
                       rf"|(?P<cue2>{CUE})\s+(?P<spk2>[^\"“”.,;]{{1,60}}))")
ACCORDING = re.compile(r"\b[Aa]ccording to (?P<spk>[^,.;\"“”]{2,60})")
CLAUSE_SPEAKER_MAX = 120
CLAUSE_STOPS = ",;\"“”"
CLAUSE_CUE = (rf"\s+(?:also |further |on \w+ )?(?P<cue>{CUE})\b(?:\s+that)?"
              rf"(?!\s*[,:]?\s*[\"“]|(?:\s+[\w'’-]+){{1,4}}\s*[,:]\s*[\"“])")
CUE_CLAUSE = re.compile(rf"(?P<spk>[^{CLAUSE_STOPS}]{{1,{CLAUSE_SPEAKER_MAX}}}?){CLAUSE_CUE}")
# where the part of CUE_CLAUSE after the speaker matches (see :func:`_cue_clauses`)
CLAUSE_CUE_AT = re.compile(rf"(?={CLAUSE_CUE})")
TRAILING = re.compile(rf",\s*(?P<spk>[^,;\"“”]{{1,60}}?)\s+(?:also |further )?(?P<cue>{CUE})[^,;\"“”]{{0,40}}[.!?]?$")
# a cue word after white space: TRAILING and CUE_CLAUSE cannot match a sentence without one
CUE_SEEN = re.compile(rf"\s{CUE}")
# every character MENTION can consume; a match attempt reads no further than the first other character
MENTION_CHARS = frozenset(string.ascii_letters + " .'")
CAPITAL_WORD = re.compile("[A-Z][a-z]+ ")
UNNAMED = re.compile(r"\b[Ii]t is (?:learnt|learned|understood|expected|believed|reported) that\b")
NOT_NAMES = {"the", "a", "an", "after", "at", "in", "on", "during", "however", "this", "that", "earlier", "both",
             "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
             "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}
COLUMNS = ["doc_id", "sent_idx", "start", "end", "quote", "speaker", "speaker_type", "cue", "kind",
           "extent", "mention", "resolved_by", "via", "n_words"]
INT_COLUMNS = {"sent_idx", "start", "end", "n_words"}


@lru_cache(maxsize=1 << 16)
def _named(surface: str):
    """``(surface, "person", "named")`` when ``surface`` holds a word that is not a title, else None."""
    words = [w for w in surface.split() if w.lower().rstrip(".") not in NOT_NAMES]
    if words and any(w.lower() not in TITLE_WORDS for w in words):
        return " ".join(words), "person", "named"
    return None


@lru_cache(maxsize=1 << 16)
def _mention(clause: str):
    """First speaker mention in ``clause``: ``(surface, type, resolve)`` or None.

    Unnamed groups (``Officials``, ``District officials``) come back as ``(group, "unnamed", "group")``.
    """
    for m in MENTION.finditer(clause):
        if m.group("org") or m.group("role"):
            after = (NAME_AFTER_ORG if m.group("org") else NAME_AFTER_ROLE).match(clause, m.end())
            person = _named(after.group("name")) if after else None
            if person:
                return _named(clause[m.start():after.end()])
            return _org(m.group("org")) if m.group("org") else (m.group("role"), "person", "role")
        if m.group("pron"):
            return m.group("pron").lower(), {"it": "organisation", "they": "any"}.get(m.group("pron").lower(),
                                                                                   "person"), "pronoun"
        group = GROUP.match(clause, m.start())
        if group and group.end() >= m.end():
            return group.group(0).lower(), "unnamed", "group"
        named = _named(m.group("name"))
        if named:
            return named
    return None


@lru_cache(maxsize=1 << 12)
def _org(surface: str):
    s = re.sub(r"^[Tt]he ", "", surface)
    low = s.lower()
    if low in ("ministry", "release", "statement", "army", "government"):
        return s, "organisation", "definite"
    if low in ("mod",) or re.fullmatch(r"defen[cs]e ministry", low):
        s = "Ministry of Defence"
    s = re.sub(r"^news agency ", "", s)
    return s, "organisation", "named"


def _split_clause(before: str) -> str:
    return re.split(r"[,;]\s*(?=[^,;]*$)", before.rstrip(" ,:"))[-1] if before.strip() else ""


def _sentence_of(starts, pos):
    """Index of the last sentence starting at or before ``pos`` (0 when none does); ``starts`` ascending."""
    return max(bisect_right(starts, pos) - 1, 0)


def _direct_candidates(text, sents):
    """Direct quotes with the raw mention and cue found by rules 1-3."""
    starts = [s[1] for s in sents]
    quotes, out = quote_spans(text), []
    for i, q in enumerate(quotes):
        k, k_end = _sentence_of(starts, q.start), _sentence_of(starts, max(q.start, q.end - 1))
        s_start, s_end = sents[k][1], sents[k_end][2]
        left = max(s_start, quotes[i - 1].end if i and quotes[i - 1].end > s_start else s_start)
        before = text[left:q.start]
        after_end = quotes[i + 1].start if i + 1 < len(quotes) and quotes[i + 1].start < s_end else s_end
        after = text[q.end:max(after_end, q.end)]
        row = dict(sent_idx=sents[k][0], start=q.start, end=q.end, quote=text[q.inner_start:q.inner_end],
                   extent=q.extent, mention=None, cue="", rule="", via="",
                   sents=range(sents[k][0], sents[k_end][0] + 1))
        mb, ma = CUE_BEFORE.search(before), CUE_AFTER.match(after)
        if mb and PASSIVE.search(before[:mb.start()]):  # ``he was told, "…"``: not his words
            mb = None
        if ma and ma.group("spk") and PASSIVE.search(ma.group("spk")):
            ma = None
        after_m = None
        if ma:
            spk = ma.group("spk") or ma.group("spk2")
            after_m = _mention(spk) if spk else None
        if mb:
            clause = _split_clause(before[:mb.start()])
            row.update(mention=_mention(clause) or _mention(before[:mb.start()]), cue=mb.group("cue").lower(),
                       rule="before")
            if after_m and after_m[0] != (row["mention"] or ("",))[0]:
                row["via"] = after_m[0]
        elif after_m:
            row.update(mention=after_m, cue=(ma.group("cue") or ma.group("cue2")).lower(), rule="after")
        elif not before.strip() or before.strip() in "\"“":
            row["rule"] = "continuation"
        else:
            row["rule"] = "fragment"
        row["para_start"] = text.rfind("\n\n", 0, q.start)
        out.append(row)
    return out


def _indirect_candidates(text, sents, direct):
    """One indirect attribution per sentence at most (the first pattern that matches).

    Sentences that hold an attributed direct quote are skipped: their cue belongs to the quote.
    """
    quote_ranges = [(d["start"], d["end"]) for d in direct]
    taken = {i for d in direct if d["rule"] in ("before", "after", "continuation") for i in d["sents"]}
    out = []
    for sent_idx, a, b in sents:
        if sent_idx in taken:
            continue
        s = text[a:b]
        inside = lambda p: any(qa <= a + p < qb for qa, qb in quote_ranges)  # noqa: E731
        found = None
        m = UNNAMED.search(s) if "t is " in s else None
        if m:
            found = (("unnamed source", "unnamed", "named"), m.group(0).split()[2], a + m.end(), b)
        # only the patterns that can match: ACCORDING needs its words, the others a cue
        patterns = ((ACCORDING,) if "ccording to " in s else ()) + ((TRAILING, CUE_CLAUSE) if CUE_SEEN.search(s) else ())
        for pat in patterns:
            if found:
                break
            for m in (_cue_clauses(s) if pat is CUE_CLAUSE else pat.finditer(s)):
                if inside(m.start("spk")):
                    continue
                if pat is not ACCORDING and PASSIVE.search(m.group("spk")):  # ``Banks have been told to …``
                    continue
                men = _mention(_split_clause(m.group("spk")) or m.group("spk")) or _mention(m.group("spk"))
                if men is None:
                    continue
                if pat is ACCORDING:
                    span = (a, a + m.start()) if m.start() > len(s) / 2 else (a + m.end(), b)
                    found = (men, "according to", *span)
                elif pat is TRAILING:
                    found = (men, m.group("cue").lower(), a, a + m.start())
                else:
                    found = (men, m.group("cue").lower(), a + m.end(), b)
                break
        if found:
            men, cue, c_start, c_end = found
            out.append(dict(sent_idx=sent_idx, start=c_start, end=c_end, quote=text[c_start:c_end].strip(" ,.\"“”"),
                            extent="", mention=men, cue=cue, rule="indirect", via=""))
    return out


def _cue_clauses(s: str):
    """The matches of ``CUE_CLAUSE.finditer(s)``, without trying every start.

    An attempt at ``p`` matches iff the cue part (:data:`CLAUSE_CUE`) matches at some ``e`` with
    ``p < e <= p + 120`` and no stop character in ``s[p:e]``, and it then ends at the first such
    ``e`` whatever ``p`` is. So the cue positions are found once, the first start that reaches one
    is computed, and :data:`CUE_CLAUSE` is only run where it matches (the regex alone retries up
    to 120 characters from every start, which made it the costliest step of the stage).
    """
    ends = [m.start() for m in CLAUSE_CUE_AT.finditer(s)]
    pos, i = 0, 0
    while i < len(ends):
        e = ends[i]
        if e <= pos:
            i += 1
            continue
        stop = max(s.rfind(c, 0, e) for c in CLAUSE_STOPS)  # the last stop before e
        p = max(pos, ends[i - 1] if i else 0, e - CLAUSE_SPEAKER_MAX, stop + 1)
        if p >= e:
            i += 1
            continue
        m = CUE_CLAUSE.match(s, p)
        yield m
        pos = m.end()


def _resolve(mention, history, text_mentions):
    """Resolve a pronoun/role/definite mention against earlier speakers, then earlier mentions.

    ``text_mentions()`` gives the ``(surface, type)`` of the named mentions before this one (a
    function, as it is needed only when no earlier speaker fits).
    """
    surface, typ, how = mention
    if how in ("named", "group"):
        return surface, typ, how
    want = {"person": ("person",), "organisation": ("organisation",), "any": ("person", "organisation")}[typ]
    if how == "role":
        title = re.sub(r"^[Tt]he |^(Japanese|Indian) ", "", surface).lower()
        for spk, t, titles in reversed(history):
            if t == "person" and title in titles:
                return spk, t, "role"
    if how == "definite":
        key = surface.lower()
        for spk, t, _ in reversed(history):
            if t == "organisation" and (key not in ("ministry",) or "ministry" in spk.lower()):
                return spk, t, "definite"
        for spk, t in reversed(text_mentions()):
            if t == "organisation" and (key != "ministry" or "ministry" in spk.lower()):
                return spk, t, "definite"
        return f"the {surface.lower()}", "organisation", "unresolved"
    for spk, t, _ in reversed(history):
        if t in want:
            return spk, t, how
    for spk, t in reversed(text_mentions()):
        if t in want:
            return spk, t, how
    return surface, typ if typ != "any" else "unknown", "unresolved"


def _titles(text: str, name: str) -> set:
    """Titles written before ``name`` anywhere in ``text`` (``Defence Minister Rajnath Singh``).

    The titles are the title words among the one to three capitalised words right before the
    surname, as ``re.finditer(r"((?:[A-Z][a-z]+ ){1,3})" + re.escape(surname), text)`` finds them.
    """
    out = set()
    for words in _before_surname(text, name.split()[-1]):
        words = [w for w in words.split() if w.lower() in TITLE_WORDS]
        while words and words[0].lower() in ("japanese", "indian"):
            words = words[1:]
        if words:
            out.add(" ".join(words).lower())
            out.add(" ".join(w for w in words if w.lower() not in ("general", "gen")).lower())
    return out


def _before_surname(text: str, surname: str):
    """``group(1)`` of every match of ``((?:[A-Z][a-z]+ ){1,3})<surname>`` in ``text``, in order.

    Matched without compiling a pattern per surname: a match starts at one of the one to three
    capitalised words that run up to an occurrence of the surname, so only those starts are
    tried, each as the regex does (the longest chain of words first).
    """
    starts, at = set(), text.find(surname)
    while at >= 0:
        end = at
        for _ in range(3):  # walk back over "Xxx " words
            if end < 3 or text[end - 1] != " " or not "a" <= text[end - 2] <= "z":
                break
            s = end - 3
            while s >= 0 and "a" <= text[s] <= "z":
                s -= 1
            if s < 0 or not "A" <= text[s] <= "Z":
                break
            starts.add(s)
            end = s
        at = text.find(surname, at + 1)
    pos = 0
    for p in sorted(starts):
        if p < pos:
            continue
        chain = []
        while len(chain) < 3 and (w := CAPITAL_WORD.match(text, chain[-1] if chain else p)):
            chain.append(w.end())
        e = next((e for e in reversed(chain) if text.startswith(surname, e)), None)
        if e is not None:
            yield text[p:e]
            pos = e + len(surname)


class _EarlierMentions:
    """Named mentions in ``text[:end]`` for any ``end``, from one scan of the whole text (made
    as far as needed).

    Scanning every prefix anew is quadratic in the document. A match attempt of :data:`MENTION`
    consumes only :data:`MENTION_CHARS` and reads at most one character past them, so attempts
    that start at or before the last other character before ``end`` see the same characters in
    the prefix as in the whole text: their matches are taken from the whole-text scan, and only
    the short run of name characters just before ``end`` is scanned again.
    """

    def __init__(self, text: str):
        self.text, self.scan = text, MENTION.finditer(text)
        self.starts, self.ends, self.n_named, self.named = [], [], [0], []

    def _scan_past(self, j: int) -> None:
        """Extend the whole-text scan until a match starts after ``j`` (or the text ends)."""
        while self.scan is not None and (not self.starts or self.starts[-1] <= j):
            m = next(self.scan, None)
            if m is None:
                self.scan = None
                break
            self.starts.append(m.start())
            self.ends.append(m.end())
            men = _named_mention(m)
            if men:
                self.named.append(men[:2])
            self.n_named.append(len(self.named))

    def before(self, end: int) -> list:
        """``(surface, type)`` of every named mention that a scan of ``text[:end]`` finds, in order."""
        text, j = self.text, end - 1
        while j >= 0 and text[j] in MENTION_CHARS:
            j -= 1
        self._scan_past(j)
        k = bisect_right(self.starts, j)
        out = self.named[:self.n_named[k]]
        for m in MENTION.finditer(text, max(self.ends[k - 1] if k else 0, j + 1), end):
            men = _named_mention(m)
            if men:
                out.append(men[:2])
        return out


def _named_mention(m):
    if m.group("pron") or m.group("role"):
        return None
    men = _mention(m.group(0))
    return men if men and men[2] == "named" else None


def _attribute(doc_id: str, text: str, sents: list) -> list[dict]:
    """Rows of :func:`attribute_document` for ``sents`` = ``(sent_idx, start, end)`` in text order."""
    direct = _direct_candidates(text, sents)
    indirect = _indirect_candidates(text, sents, direct)
    events = sorted(direct + indirect, key=lambda r: (r["start"], r["rule"] == "indirect"))
    mentions, titles = _EarlierMentions(text), {}
    history, rows = [], []
    for ev in events:
        earlier = lambda at=ev["start"]: mentions.before(at)  # noqa: E731
        spk, typ, how = "", "unknown", "none"
        if ev["mention"] is not None:
            spk, typ, how = _resolve(ev["mention"], history, earlier)
        elif ev["rule"] == "continuation":
            prev = [r for r in rows if r["kind"] == "direct" and r["speaker"] and text.count("\n\n", r["start"],
                                                                                            ev["start"]) <= 1]
            if prev:
                spk, typ, how = prev[-1]["speaker"], prev[-1]["speaker_type"], "continuation"
        elif ev["rule"] == "fragment":
            host = [r for r in rows if r["kind"] == "indirect" and r["sent_idx"] == ev["sent_idx"]]
            host += [r for r in indirect if r["sent_idx"] == ev["sent_idx"] and r not in host]
            if host and host[0].get("speaker", None) is None and host[0]["mention"] is not None:
                spk, typ, how = _resolve(host[0]["mention"], history, earlier)
                how = "fragment"
            elif host:
                spk, typ, how = host[0]["speaker"], host[0]["speaker_type"], "fragment"
        kind = "indirect" if ev["rule"] == "indirect" else "direct"
        row = dict(doc_id=doc_id, sent_idx=ev["sent_idx"], start=ev["start"], end=ev["end"], quote=ev["quote"],
                   speaker=spk, speaker_type=typ if spk else "unknown", cue=ev["cue"], kind=kind,
                   extent=ev["extent"], mention=ev["mention"][0] if ev["mention"] else "", resolved_by=how,
                   via=ev["via"], n_words=len(tokenize(ev["quote"])))
        rows.append(row)
        if spk and typ in ("person", "organisation"):
            if typ == "person" and spk not in titles:
                titles[spk] = _titles(text, spk)
            history.append((spk, typ, titles[spk] if typ == "person" else set()))
    # the order of the quotes table within a document (rows of the whole table are sorted by doc_id too)
    rows.sort(key=lambda r: (r["start"], r["kind"]))
    return rows


def _frame(rows: list[dict]) -> pd.DataFrame:
    return _columns_frame({c: [r[c] for r in rows] for c in COLUMNS})


def _columns_frame(columns: dict) -> pd.DataFrame:
    # typed columns also when empty, so that a chunk without attributions concatenates cleanly
    return pd.DataFrame({c: pd.Series(v, dtype="int64" if c in INT_COLUMNS else "str") for c, v in columns.items()},
                        columns=COLUMNS)


def attribute_document(doc_id: str, text: str, sentences: pd.DataFrame) -> pd.DataFrame:
    """Direct and indirect attributions of one document, speakers resolved but not yet normalised.

    Rows are in text order (by ``start``, a direct quote before an indirect attribution at the
    same offset).
    """
    s = sentences.sort_values("start")
    return _frame(_attribute(doc_id, text, list(zip(s["sent_idx"].tolist(), s["start"].tolist(),
                                                    s["end"].tolist()))))


def attribute_documents(documents: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """:func:`attribute_document` of every document, in the documents' order (speakers not normalised)."""
    positions = sentences.groupby("doc_id", sort=False).indices if len(sentences) else {}
    sent_idx, start, end = (sentences[c].to_numpy() for c in ("sent_idx", "start", "end"))
    columns = {c: [] for c in COLUMNS}
    for doc_id, text in zip(documents["doc_id"], documents["text"]):
        pos = positions.get(doc_id, np.empty(0, dtype=np.intp))
        pos = pos[np.argsort(start[pos], kind="quicksort")]  # as ``sort_values("start")`` orders them
        for r in _attribute(doc_id, text, list(zip(sent_idx[pos].tolist(), start[pos].tolist(), end[pos].tolist()))):
            for c in COLUMNS:
                columns[c].append(r[c])
    return _columns_frame(columns)


@lru_cache(maxsize=1 << 16)
def _core_word(word: str) -> str:
    """``word`` without a final dot or ``'s`` when it is part of a name (capitalised, not a title), else ``""``."""
    w = word.rstrip(".").removesuffix("'s")
    return w if w[:1].isupper() and w.lower() not in TITLE_WORDS and w.lower() not in NOT_NAMES else ""


def normalise_speakers(names, types) -> dict:
    """Map every person/organisation surface form to one voice (see the module docstring).

    A name listed more than once with different types is mapped as its last listing's type.
    """
    def core(name):
        return [w for w in map(_core_word, name.split()) if w]

    # each distinct name is worked on once (names in order of first listing, with their counts)
    people = Counter(n for n, t in zip(names, types) if t == "person" and n)
    cores = {n: core(n) for n in people}
    full = Counter()
    for n, count in people.items():
        if len(cores[n]) >= 2:
            full[" ".join(cores[n])] += count
    by_surname = {}
    for name, count in full.most_common():
        by_surname.setdefault(name.split()[-1].lower(), name)
    last_type = {n: t for n, t in zip(names, types) if n}
    mapping = {}
    for n, t in last_type.items():
        if t == "person":
            words = cores[n] or n.split()
            mapping[n] = " ".join(words) if len(words) >= 2 else by_surname.get(words[-1].lower(), words[-1])
        elif t == "organisation":
            mapping[n] = _org(n)[0] if _org(n)[2] == "named" else n
        else:
            mapping[n] = n
    return mapping


def quotes_attributed(documents: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """``quotes.csv``: every direct quote and indirect attribution with its normalised speaker."""
    return normalise_quotes(attribute_documents(documents, sentences))


def normalise_quotes(quotes: pd.DataFrame) -> pd.DataFrame:
    """Speakers and relays of ``quotes`` (rows of :func:`attribute_documents`) normalised over the
    whole table by :func:`normalise_speakers`, rows sorted by ``doc_id, start, kind``."""
    out = quotes.copy()
    mapping = normalise_speakers(out["speaker"].tolist() + out["via"].tolist(),
                                 out["speaker_type"].tolist() + ["organisation"] * len(out))
    for col in ("speaker", "via"):
        codes, names = pd.factorize(out[col])
        out[col] = pd.Series(np.array([mapping.get(s, s) for s in names], dtype=object)[codes], index=out.index,
                             dtype=out[col].dtype)
    return out.sort_values(["doc_id", "start", "kind"], kind="stable").reset_index(drop=True)


def voices_by_outlet(quotes: pd.DataFrame, documents: pd.DataFrame, sentences: pd.DataFrame,
                     random_state: int = 0, words: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per outlet: words in direct quotes, distinct voices, and the share of quote sentences.

    ``quoted_word_share`` is words inside direct quotation marks over all words of the outlet's
    sentences; ``quote_sentence_share`` (with a bootstrap interval over sentences, from
    :func:`analysis.compare.share_by_group`) is the share of sentences whose attribution holds a
    direct quote. ``n_voices`` counts distinct named direct-quote speakers; ``n_voices_all`` adds
    indirect ones (unnamed sources excluded). ``words`` is :func:`sentence_words` of the
    sentences when already counted.

    References
    ----------
    Efron, B. & Tibshirani, R. (1993). *An Introduction to the Bootstrap*, ch. 13.
    """
    from .compare import share_by_group

    outlet = documents.set_index("doc_id")["outlet"]
    direct_keys = pd.MultiIndex.from_arrays([quotes.loc[quotes["kind"] == "direct", c] for c in ("doc_id", "sent_idx")])
    sent_keys = pd.MultiIndex.from_arrays([sentences["doc_id"], sentences["sent_idx"]])
    sents = pd.DataFrame({"outlet": sentences["doc_id"].map(outlet),
                          "has_direct_quote": sent_keys.isin(direct_keys).astype(np.int64)}, index=sentences.index)
    out = share_by_group(sents, "outlet", "has_direct_quote", random_state=random_state).rename(
        columns={"n_hits": "n_quote_sentences", "share": "quote_sentence_share"})
    if words is None:
        words = sentence_words(sentences)
    words = words.groupby(words["doc_id"].map(outlet))["n_words"].sum()
    q = quotes.assign(outlet=quotes["doc_id"].map(outlet))
    named = q[(q["speaker"] != "") & (q["speaker_type"].isin(["person", "organisation"]))]
    quoted = q[q["kind"] == "direct"].groupby("outlet")["n_words"].sum()
    out["n_words"] = out["outlet"].map(words).fillna(0).astype(int)
    out["n_quoted_words"] = out["outlet"].map(quoted).fillna(0).astype(int)
    out["quoted_word_share"] = out["n_quoted_words"] / out["n_words"].where(out["n_words"] > 0)
    out["n_direct_quotes"] = out["outlet"].map(q[q["kind"] == "direct"].groupby("outlet").size()).fillna(0).astype(int)
    out["n_indirect"] = out["outlet"].map(q[q["kind"] == "indirect"].groupby("outlet").size()).fillna(0).astype(int)
    out["n_voices"] = out["outlet"].map(named[named["kind"] == "direct"].groupby("outlet")["speaker"].nunique()
                                        ).fillna(0).astype(int)
    out["n_voices_all"] = out["outlet"].map(named.groupby("outlet")["speaker"].nunique()).fillna(0).astype(int)
    return out


def sentence_words(sentences: pd.DataFrame, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """``doc_id, n_words``: :func:`analysis.tokens.tokenize` tokens of each document's sentences.

    One row per document of ``documents`` in its order (0 for a document without sentences), or
    without ``documents`` per document in the order the sentences name them.
    """
    counts = np.fromiter((len(TOKEN.findall(t.replace("’", "'").replace("‘", "'").lower()))
                          for t in sentences["text"].tolist()), dtype=np.int64, count=len(sentences))
    n = pd.Series(counts).groupby(sentences["doc_id"].to_numpy(), sort=False).sum()
    if documents is not None:
        n = n.reindex(documents["doc_id"].to_numpy(), fill_value=0)
    return pd.DataFrame({"doc_id": pd.Series(n.index.to_numpy(), dtype="str"), "n_words": n.to_numpy(dtype=np.int64)})


def speaker_shares(quotes: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Per outlet and speaker: direct quotes, indirect attributions, quoted words and their share."""
    q = quotes.assign(outlet=quotes["doc_id"].map(documents.set_index("doc_id")["outlet"]),
                      speaker=quotes["speaker"].replace("", "(unattributed)"))
    q["direct"] = (q["kind"] == "direct").astype(np.int64)
    q["indirect"] = (q["kind"] == "indirect").astype(np.int64)
    q["direct_words"] = q["n_words"].where(q["kind"] == "direct", 0)
    g = q.groupby(["outlet", "speaker", "speaker_type"], sort=True)
    out = g.agg(n_direct=("direct", "sum"), n_indirect=("indirect", "sum"),
                n_quoted_words=("direct_words", "sum")).reset_index()
    total = out.groupby("outlet")["n_quoted_words"].transform("sum")
    out["share_of_quoted_words"] = out["n_quoted_words"] / total.where(total > 0)
    return out.sort_values(["outlet", "n_quoted_words", "n_indirect"], ascending=[True, False, False],
                           kind="stable").reset_index(drop=True)


def speaker_frames(quotes: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame | None:
    """Speaker x frame: of the sentences attributed to a speaker, how many carry each frame.

    Reads the ``frame_<name>`` 0/1 columns of ``sentences``; None when there are none.
    """
    frames = [c for c in sentences.columns if c.startswith("frame_")]
    if not frames:
        return None
    attributed = quotes[quotes["speaker"] != ""][["doc_id", "sent_idx", "speaker", "speaker_type"]].drop_duplicates()
    merged = attributed.merge(sentences[["doc_id", "sent_idx", *frames]], on=["doc_id", "sent_idx"])
    long = merged.melt(id_vars=["doc_id", "sent_idx", "speaker", "speaker_type"], value_vars=frames,
                       var_name="frame", value_name="present")
    long["frame"] = long["frame"].str.removeprefix("frame_")
    out = long.groupby(["speaker", "speaker_type", "frame"], sort=True).agg(
        n_sentences=("present", "size"), n_frame=("present", "sum")).reset_index()
    out["share"] = out["n_frame"] / out["n_sentences"]
    return out


def annotate(run) -> None:
    """Per-document part of the stage: ``_speaker_quotes`` (every attribution with its speaker
    resolved within its document, not yet normalised; rows in document order) and
    ``_speaker_words`` (words of each document's sentences)."""
    run.tables["_speaker_quotes"] = attribute_documents(run.documents, run.sentences)
    run.tables["_speaker_words"] = sentence_words(run.sentences, run.documents)


def summarise(run) -> str:
    """Corpus-level part: speaker names normalised across the corpus (``quotes``), then
    ``voices_by_outlet``, ``speaker_shares`` and, when the frames stage has run, ``speaker_frames``."""
    q = normalise_quotes(run.tables["_speaker_quotes"])
    seed = int(run.params.get("seed", 0) or 0)
    run.tables["quotes"] = q
    run.tables["voices_by_outlet"] = voices_by_outlet(q, run.documents, run.sentences, random_state=seed,
                                                      words=run.tables["_speaker_words"])
    run.tables["speaker_shares"] = speaker_shares(q, run.documents)
    sf = speaker_frames(q, run.sentences)
    note = "speaker x frame table written"
    if sf is None:
        note = "no frame_ columns yet, speaker x frame table skipped"
    else:
        run.tables["speaker_frames"] = sf
    n_direct = int((q["kind"] == "direct").sum())
    voices = q.loc[q["speaker"] != "", "speaker"].nunique()
    return f"{n_direct} direct quotes, {len(q) - n_direct} indirect attributions, {voices} voices; {note}"


def stage(run) -> str:
    """Pipeline stage: ``quotes``, ``voices_by_outlet``, ``speaker_shares`` (+ ``speaker_frames``)."""
    annotate(run)
    return summarise(run)
