"""Frame dictionaries: editable TOML files, validated on load and compiled to regular expressions.

A dictionary is data (``data/frames/default.toml``; ``generic.toml`` for the Semetko & Valkenburg
frames; or the user's own file given with ``--frames``), so a researcher can read every term, trace
it to the codebook (``data/frames/codebook.md``) and change it without touching code.

Matching rules (documented in the TOML files too):

* case-insensitive; curly apostrophes are read as straight ones, as in :mod:`analysis.tokens`;
* **terms** match whole words. A word is a run of letters and digits, as in the tokenizer, except
  that a hyphen or apostrophe *does* end a word here, so "India-Pakistan" contains "pakistan" and
  "China's" contains "china" (the tokenizer keeps "india-pakistan" as one token, which is right for
  counting words but would hide a frame term). A trailing ``*`` matches any ending (``terror*``);
* **phrases** are several words: a space between words also matches a hyphen or several spaces, and
  a hyphen inside a word matches a space, a hyphen or nothing ("Indo-Pacific" = "Indo Pacific");
* **regex** entries are Python regular expressions used as written (case-insensitive);
* **exclude** / **exclude_regex**: a hit lying inside an exclusion match does not count.

Why by hand: dictionary tools in Python (e.g. ``liwc``-style readers, spaCy's ``PhraseMatcher``)
match tokens, not hyphen/space variants and exclusions, and would need a model or their own
tokenizer; a few compiled regular expressions do exactly this and can be handed to KWIC.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from ..paths import data_path

DEFAULT_FRAMES = data_path("frames", "default.toml")
GENERIC_FRAMES = data_path("frames", "generic.toml")
FRAME_KEYS = {"label", "definition", "terms", "phrases", "regex", "exclude", "exclude_regex", "comments"}
LIST_KEYS = ("terms", "phrases", "regex", "exclude", "exclude_regex")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
WORD_START = r"(?<![^\W_])"
WORD_END = r"(?![^\W_])"
SPACE = r"[\s\-\u2010\u2011\u2013\u2014]+"
HYPHEN = "(?:" + SPACE + ")?"


@dataclass
class Frame:
    """One frame of a dictionary with its compiled patterns."""

    name: str
    label: str
    definition: str
    terms: list = field(default_factory=list)
    phrases: list = field(default_factory=list)
    regex: list = field(default_factory=list)
    exclude: list = field(default_factory=list)
    exclude_regex: list = field(default_factory=list)
    comments: str = ""
    patterns: list = field(default_factory=list, repr=False)
    exclusions: list = field(default_factory=list, repr=False)


def normalize(text: str) -> str:
    """Text as the patterns see it: curly apostrophes straightened (same length, same offsets)."""
    return text.replace("\u2019", "'").replace("\u2018", "'")


def _words_pattern(expr: str) -> str:
    """Regex source for a term or phrase: word boundaries, space/hyphen variants, trailing ``*``."""
    expr = normalize(expr.strip())
    wildcard = expr.endswith("*")
    expr = expr.rstrip("*").strip()
    parts = []
    for i, word in enumerate(expr.split()):
        if i:
            parts.append(SPACE)
        parts.append(HYPHEN.join(re.escape(piece) for piece in re.split(r"[\-\u2010\u2011]", word)))
    tail = r"[^\W_]*" if wildcard else ""
    return WORD_START + "".join(parts) + tail + WORD_END


def compile_term(expr: str) -> re.Pattern:
    """Compiled pattern of one term or phrase under the matching rules above."""
    return re.compile(_words_pattern(expr), re.IGNORECASE)


def _check_list(path, name: str, key: str, value) -> list:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{path}: frame '{name}', key '{key}' must be a list of non-empty strings; "
                          f"write e.g. {key} = [\"word\", \"another word\"].")
    return [v.strip() for v in value]


def _compile_regex(path, name: str, key: str, source: str) -> re.Pattern:
    try:
        return re.compile(source, re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(f"{path}: frame '{name}', {key} entry {source!r} is not a valid regular expression "
                          f"({exc}); fix or remove it.") from None


def _build_frame(path, name: str, spec) -> Frame:
    if not NAME.match(name):
        raise ConfigError(f"{path}: frame name '{name}' must be lower-case letters, digits and underscores "
                          f"(it becomes the column frame_{name}); rename it.")
    if not isinstance(spec, dict):
        raise ConfigError(f"{path}: frame '{name}' must be a table [frames.{name}] with keys; see default.toml.")
    unknown = sorted(set(spec) - FRAME_KEYS)
    if unknown:
        raise ConfigError(f"{path}: frame '{name}' has unknown key '{unknown[0]}'; allowed keys are "
                          f"{', '.join(sorted(FRAME_KEYS))}.")
    lists = {key: _check_list(path, name, key, spec.get(key, [])) for key in LIST_KEYS}
    if not (lists["terms"] or lists["phrases"] or lists["regex"]):
        raise ConfigError(f"{path}: frame '{name}' is empty; give it at least one of terms, phrases or regex.")
    for key in ("label", "definition", "comments"):
        if key in spec and not isinstance(spec[key], str):
            raise ConfigError(f"{path}: frame '{name}', key '{key}' must be a string.")
    if not spec.get("definition", "").strip():
        raise ConfigError(f"{path}: frame '{name}' has no 'definition'; add the codebook paragraph that says "
                          f"what the frame means.")
    frame = Frame(name=name, label=spec.get("label", name.replace("_", " ").capitalize()),
                  definition=" ".join(spec["definition"].split()), comments=spec.get("comments", ""), **lists)
    frame.patterns = ([compile_term(t) for t in frame.terms + frame.phrases]
                      + [_compile_regex(path, name, "regex", r) for r in frame.regex])
    frame.exclusions = ([compile_term(t) for t in frame.exclude]
                        + [_compile_regex(path, name, "exclude_regex", r) for r in frame.exclude_regex])
    return frame


def load_frames(path=None) -> dict:
    """Read and validate a frame dictionary; ``{name: Frame}`` in file order.

    ``path=None`` reads the default dictionary. Any problem raises :class:`ConfigError` with one
    line naming the file and the frame/key at fault.
    """
    path = Path(path) if path else DEFAULT_FRAMES
    if not path.is_file():
        raise ConfigError(f"--frames {path}: no such file; give the path of a TOML frame dictionary "
                          f"(start from {DEFAULT_FRAMES}).")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not a valid TOML file ({exc}); fix the syntax.") from None
    unknown = sorted(set(data) - {"meta", "frames"})
    if unknown:
        raise ConfigError(f"{path}: unknown top-level key '{unknown[0]}'; a dictionary has [meta] and "
                          f"[frames.<name>] tables only.")
    frames = data.get("frames")
    if not isinstance(frames, dict) or not frames:
        raise ConfigError(f"{path}: no frames; add at least one table [frames.<name>] with a definition and terms.")
    return {name: _build_frame(path, name, spec) for name, spec in frames.items()}


def frame_patterns(frames: dict, name: str) -> list:
    """The compiled patterns of frame ``name`` (terms, phrases, regexes), e.g. for KWIC.

    Exclusions are not applied by a KWIC display; :func:`analysis.frames.find_hits` applies them.
    Patterns expect text passed through :func:`normalize` (straight apostrophes).
    """
    if name not in frames:
        from ..errors import invalid_option
        raise invalid_option("frame", name, list(frames))
    return list(frames[name].patterns)
