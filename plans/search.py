"""Search over every word of a plan, behind one function for both databases.

PostgreSQL: full-text search (stemming, ranking) on the plan's search text, with a GIN index on
the same expression. SQLite: every term matched as a substring, ranked by the terms found.
Either way a plan containing the whole phrase ranks above plans with only some of its words.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import (
    Case,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)

from plans.models import Plan

MAX_TERMS = 10


def terms_of(query: str) -> list[str]:
    return re.findall(r"\w+", query.lower())[:MAX_TERMS]


def search_plans(plans: QuerySet[Plan], query: str) -> QuerySet[Plan]:
    """Plans matching any word of the query, best first (annotated with `rank`)."""
    terms = terms_of(query)
    if not terms:
        return plans.annotate(rank=Value(0.0, output_field=FloatField()))
    phrase = " ".join(terms)
    if connection.vendor == "postgresql":
        vector = F("search_vector")
        any_term = SearchQuery(" | ".join(terms), search_type="raw", config="english")
        whole = SearchQuery(phrase, search_type="phrase", config="english")
        return plans.filter(search_vector=any_term).annotate(
            rank=SearchRank(vector, any_term) + 2 * SearchRank(vector, whole)
        )

    matches = Q()
    score: Any = Value(0, output_field=IntegerField())
    for term in terms:
        matches |= Q(search_text__icontains=term)
        score = score + Case(When(search_text__icontains=term, then=1), default=0)
    score = score + Case(When(search_text__icontains=phrase, then=len(terms) + 1), default=0)
    return plans.filter(matches).annotate(rank=ExpressionWrapper(score, output_field=FloatField()))


def refresh_search_vector(plan: Plan) -> None:
    """Parse the plan's search text into its stored vector (PostgreSQL only): one query."""
    if connection.vendor == "postgresql":
        Plan.objects.filter(pk=plan.pk).update(
            search_vector=SearchVector("search_text", config="english")
        )
