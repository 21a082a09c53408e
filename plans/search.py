"""Search over every word of a plan, behind one function for both databases.

PostgreSQL: full-text search (stemming, ranking) on the plan's search vector, GIN-indexed and
joined from each section's kept vector (vectors_of); each word is also a prefix ("mitigat"
finds "mitigation"). SQLite: every term matched as a substring of the plan's search text,
ranked by the terms found. Either way a plan containing the whole
phrase ranks above plans with only some of its words. A result says where it matched: a snippet
of the first section holding a word, read from the plan's per-section search text (no query).

The two differ on the words PostgreSQL does not index: a stop word ("the") is dropped there, so
"the" alone finds nothing and a plan holds every word of "the clock" when it holds "clock";
SQLite looks for "the" as typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    RowRange,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.lookups import Lookup
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from plans.models import Plan
from plans.sections import SECTIONS

MAX_TERMS = 10
MAX_TERM_CHARS = 50  # a "word" longer than any real one is cut: it still finds its prefix


def terms_of(query: str) -> list[str]:
    return [t[:MAX_TERM_CHARS] for t in re.findall(r"\w+", query.lower())[:MAX_TERMS]]


def prefix_tsquery(terms: list[str], every: bool = False) -> str:
    """A raw tsquery matching any term (or with `every`, each term) as a word or a word's
    start. Terms are runs of \\w only, so no tsquery operator (& | ! : * ( ) ') can reach it
    from the search box.

    The vector holds stems ("mitigation" is 'mitig'), which a typed prefix may run past
    ("mitigat"): a term of six letters or more also matches as its first letters but two,
    as the stemmer cuts -ation, -ment, -ing to their stem."""
    alternatives = []
    for term in terms:
        forms = [f"{term}:*"]
        if len(term) >= 6:
            forms.append(f"{term[:-2]}:*")
        alternatives.append(forms)
    if every:
        return " & ".join(f"({' | '.join(forms)})" for forms in alternatives)
    return " | ".join(form for forms in alternatives for form in forms)


def _raw(tsquery: str) -> SearchQuery:
    return SearchQuery(tsquery, search_type="raw", config="english")


RANKED_AT_MOST = 200


def search_plans(plans: QuerySet[Plan], query: str, ranked: bool = True) -> QuerySet[Plan]:
    """Plans matching any word of the query, annotated with `rank` (best first is the caller's
    order_by("-rank")).

    With `ranked`, at most RANKED_AT_MOST matches are kept and ranked: the most recently
    changed holding every word, then the newest of the rest (_most_recent). Ranking reads
    every match's text, and a common word matches nearly every plan (95,000 of 100,000 in
    bench/scale.py: most of the page's time). A rarer query's matches are all ranked; for a
    common one the list says how many it ranked, and a sort by last change (`ranked=False`)
    still pages through every match."""
    terms = terms_of(query)
    if not terms:
        return plans.annotate(rank=Value(0.0, output_field=FloatField()))
    phrase = " ".join(terms)
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        any_term = _raw(prefix_tsquery(terms))
        matching = plans.filter(search_vector=any_term)
        holds_every = Q(search_vector=_raw(prefix_tsquery(terms, every=True)))
        each = [Q(search_vector=_raw(prefix_tsquery([t]))) for t in dict.fromkeys(terms)]
    else:
        matching = plans.filter(reduce(or_, (Q(search_text__icontains=t) for t in terms)))
        holds_every = reduce(and_, (Q(search_text__icontains=t) for t in terms))
        each = []  # SQLite reads every plan's text to find them: one query asks them all
    if ranked:
        several = len(set(terms)) > 1
        ranked_keys = _most_recent(plans, matching, holds_every if several else None, each)
        if isinstance(ranked_keys, list):  # read already: counted, and sent as one array
            total = Value(len(ranked_keys), output_field=IntegerField())
            matching = plans.filter(_among(ranked_keys)).annotate(total=total)
        else:  # a subquery of the statement ranking them (with_total counts them)
            matching = plans.filter(pk__in=ranked_keys)
    if postgresql:
        vector = F("search_vector")
        whole = SearchQuery(phrase, search_type="phrase", config="english")
        return matching.annotate(rank=SearchRank(vector, any_term) + 2 * SearchRank(vector, whole))
    score: Any = Value(0, output_field=IntegerField())
    for term in terms:
        score = score + Case(When(search_text__icontains=term, then=1), default=0)
    score = score + Case(When(search_text__icontains=phrase, then=len(terms) + 1), default=0)
    return matching.annotate(rank=ExpressionWrapper(score, output_field=FloatField()))


def _most_recent(
    plans: QuerySet[Plan], matching: QuerySet[Plan], holds_every: Q | None, each: list[Q]
) -> Any:
    """The keys of the RANKED_AT_MOST matches to rank: the most recently changed plans holding
    every word of the query (`holds_every`), then, if there are fewer, the most recently
    changed of the other `matching` plans. A plan holding the whole phrase is ranked however
    many newer plans hold one of its words.

    One query a tier, each found by walking the recent-first index or by the search index,
    as PostgreSQL finds cheaper: finding the 200 most recent plans holding either word of
    "clock skew" walked 4,566 plans (5.8 ms); the 200 holding both take 1 (bench/scale.py),
    asked of the search index alone, as holding every word is holding one (1.1 ms, 2.0 when
    asked both). Ordered by "holds every word" first in one query, every match is read to
    sort them; as one UNION of the two tiers' slices, SQL does not promise which rows its
    LIMIT keeps (hence a query a tier). One word's keys are a subquery of the ranking
    statement; several words' are a list (the rest's limit depends on how many hold every
    word).

    The rest are asked word by word (`each`, PostgreSQL), in one UNION of a slice a word,
    ordered as a whole before its LIMIT:
    PostgreSQL estimates a word it has not sampled as held by some share of plans, and adds
    the words' shares, so that ten words no plan holds, asked at once, looked common enough
    to walk every plan newest first looking for them (430 ms a page at 100,000 plans,
    bench/scale.py); asked alone, each is rare, and looked up in the search index."""

    def recent_first(rows: QuerySet[Plan]) -> Any:
        return rows.order_by("-updated_at", "-pk").values_list("pk", flat=True)

    if holds_every is None:  # one word: every match holds it
        return recent_first(matching)[:RANKED_AT_MOST]
    every = list(recent_first(plans.filter(holds_every))[:RANKED_AT_MOST])
    if len(every) == RANKED_AT_MOST:
        return every
    wanted = RANKED_AT_MOST - len(every)
    if not each:
        return every + list(recent_first(matching.exclude(holds_every))[:wanted])
    newest_first = ("-updated_at", "-pk")
    slices = [plans.filter(word).exclude(holds_every).order_by(*newest_first) for word in each]
    rows = [s.values_list("pk", "updated_at")[:wanted] for s in slices]
    union = rows[0].union(*rows[1:]).order_by(*newest_first)[:wanted]
    return every + [pk for pk, _ in union]


class AnyOf(Lookup):
    """`lhs = ANY(rhs)`, rhs an array (PostgreSQL)."""

    lookup_name = "any_of"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def _among(keys: list[int]) -> Any:
    """Plans whose key is one of `keys`: on PostgreSQL as one array parameter, not one
    parameter a key (200 of them cost the ranking statement's building and binding)."""
    if connection.vendor == "postgresql":
        return AnyOf(F("pk"), Value(keys, output_field=ArrayField(BigIntegerField())))
    return Q(pk__in=keys)


def with_total(results: QuerySet[Plan]) -> QuerySet[Any]:
    """`results` with `total` on each row: how many rows they hold in all, counted by a window
    over the same query, so that a page of them needs no COUNT query of its own (a ranked
    search's count ran its match again: 11 ms of a phrase search, bench/scale.py). Only for
    rows read by a plain slice: rows filtered further count only what is left."""
    if "total" in results.query.annotations:  # a ranked search's, counted with its keys
        return results
    ranked = "rank" in results.query.annotations
    total = Window(
        Count("pk"), order_by=F("rank").asc() if ranked else None, frame=RowRange(None, None)
    )
    return results.annotate(total=total)


# The searched texts of a plan, in the order of their vectors in every plan's section_vectors
# (migration 0026 wrote them so). The order never changes: a new section's text goes last,
# with a migration parsing its vector for the plans saved before (tests/plans/test_search.py).
SEARCHED = (
    *("title", "overview", "goals", "success_criteria", "user_stories", "architecture"),
    *("data_models", "api_endpoints", "dependencies", "phases", "testing", "rollout"),
    *("risks", "resources", "documentation", "open_questions", "notes"),
)


def vectors_of(texts: Mapping[str, str], parsed: Collection[str], *, new: bool) -> tuple[Any, Any]:
    """What a plan's section_vectors and search_vector are set to in the save that writes its
    search words (None and None without PostgreSQL, where search reads the text). That same
    INSERT or UPDATE parses the `parsed` sections' texts and keeps the other sections' vectors
    as they are; search_vector joins all of them in SEARCHED order.

    So a save parses what it changed, not the whole plan: parsing all of a 100-row plan (31 KB)
    was 4 ms of each of its sections' saves, and a plan imported with long notes parsed them
    again on every save. A changed section is parsed twice, once for each column (0.6 ms for
    100 risks), as one UPDATE cannot read the array it writes; a second UPDATE would write the
    whole plan row again (8 ms of a 100-row section's save, bench/scale.py). A `new` plan's
    every text is parsed, once: its vector is joined after its INSERT (Plan.join_vectors), as
    parsing them twice made a plan imported with 100 KB of notes 43 -> 68 ms."""
    if connection.vendor != "postgresql":
        return None, None
    vectors, params = [], []
    for place, key in enumerate(SEARCHED, start=1):
        if key in parsed:
            vectors.append("to_tsvector('english'::regconfig, %s)")
            params.append(vector_text(texts.get(key) or ""))
        else:
            vectors.append(_kept(place))
    each = RawSQL(f"ARRAY[{', '.join(vectors)}]", params, output_field=Plan.section_vectors.field)
    if new:
        return each, None
    return each, RawSQL(" || ".join(vectors), params, output_field=Plan.search_vector.field)


def joined_vectors() -> RawSQL | None:
    """A plan's search vector joined from its kept section vectors (None without PostgreSQL)."""
    if connection.vendor != "postgresql":
        return None
    joined = " || ".join(_kept(place) for place in range(1, len(SEARCHED) + 1))
    return RawSQL(joined, [], output_field=Plan.search_vector.field)


def _kept(place: int) -> str:
    column = f"{connection.ops.quote_name(Plan._meta.db_table)}.section_vectors"
    return f"COALESCE({column}[{place}], ''::tsvector)"


# A tsvector keeps a word's positions only up to 16,383: every later word is at 16,383, once
# per distinct word. So past that many words, the text PostgreSQL parses can hold each distinct
# word once and yield the same vector: to_tsvector costs about 1 ms per 4 KB, and a 1 MB plan
# of long notes is most of an import's time (1 MB of notes parsed in 250 ms, 110 KB in 30 ms).
VECTOR_POSITIONS = 16_383
# An HTML tag may hold spaces (`<Select />`) and is no word to PostgreSQL: it is one chunk.
_CHUNK = re.compile(r"<[^<>]*>|\S+")
_ALNUM = re.compile(r"[^\W_]")


def vector_text(text: str) -> str:
    """`text` up to where PostgreSQL's positions stop counting, then each further chunk (a run
    of non-spaces, or a tag) once, in order: the same search vector, for less parsing.

    A chunk holding a letter or digit is at least one position (stop words count too); one
    that opens as an HTML tag or entity may be none, so it is not counted.

    Most plans are far shorter, and a bound on their chunks is found without walking them:
    a run of non-spaces is one chunk, or more where tags open inside it (each at a "<")."""
    if len(text.split()) + text.count("<") <= VECTOR_POSITIONS:
        return text  # 0.3 ms for a 100-row plan, where the walk took 5.5 ms
    counted = 0
    for chunk in _CHUNK.finditer(text):
        word = chunk.group()
        if word[0] not in "<&" and _ALNUM.search(word):
            counted += 1
            if counted > VECTOR_POSITIONS:
                tail = dict.fromkeys(_CHUNK.findall(text, chunk.start()))
                return text[: chunk.start()] + " ".join(tail)
    return text


# Where a result matched --------------------------------------------------------------------

SNIPPET_CHARS = 160  # of text around the first match shown under a result
SNIPPET_BEFORE = 50
SCANNED_CHARS = 20_000  # of each section's text: a match further on is not quoted
SECTION_TITLES = {s.key: s.title for s in SECTIONS if s.editable} | {"notes": "Additional Notes"}


@dataclass(frozen=True)
class Snippet:
    section: str  # the title of the section that matched
    html: SafeString  # its text around the match, escaped, the words in <mark>


def _pattern(words: list[str]) -> re.Pattern[str]:
    longest_first = sorted({re.escape(w) for w in words}, key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(longest_first)})\w*", re.IGNORECASE)


def snippets_for(query: str) -> Callable[[dict[str, str] | None], Snippet | None]:
    """Where a result of this query matched, from its sections' words: the first section (in
    template order) holding a word of the query, as a word start, quoted around it. PostgreSQL
    also matches stems ("mitigation" finds "mitigates"): when no section holds a word as typed,
    its stem's first letters are looked for. The query's words are read once for a list."""
    terms = terms_of(query)
    if not terms:
        return lambda sections: None
    stems = [t[: max(4, len(t) - 3)] for t in terms]
    patterns = (_pattern(terms), _pattern(stems))

    def quote(sections: dict[str, str] | None) -> Snippet | None:
        if not sections:
            return None
        for pattern in patterns:
            for key, title in SECTION_TITLES.items():
                text = (sections.get(key) or "")[:SCANNED_CHARS]
                found = pattern.search(text)
                if found:
                    return Snippet(title, _quote(text, found.start(), pattern))
        return None

    return quote


def _quote(text: str, at: int, pattern: re.Pattern[str]) -> SafeString:
    start = max(0, at - SNIPPET_BEFORE)
    if start:  # begin at a word
        space = text.find(" ", start, at)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", at, end)
        end = space if space > at else end
    # Lines and runs of spaces read as one space; Markdown's strong marks are not words.
    window = " ".join(text[start:end].replace("**", "").split())
    parts, last = [], 0
    for match in pattern.finditer(window):
        parts += [escape(window[last : match.start()]), f"<mark>{escape(match.group())}</mark>"]
        last = match.end()
    parts.append(escape(window[last:]))
    html = "".join(parts)
    return mark_safe(f"{'… ' if start else ''}{html}{' …' if end < len(text) else ''}")
