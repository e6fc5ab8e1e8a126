"""Lists that scale: one pattern for every list page (issue 11 §5).

A list page is three things, always in this order:

1. what the policy lets the user see — a selector such as ``issues_visible_to(user)``;
2. a FilterSet of this package (``ListFilters`` subclass, one module per list) that can only
   *narrow* that queryset: search, status, compound, category, party, date range, "mine";
3. one page of the result (``PAGE_SIZE`` rows), counted in one query.

In the view::

    listing = paged(request, issues_visible_to(request.user), IssueFilters)
    return render(request, "issues/list.html", {"list": listing}, status=listing.status)

In the template::

    {% include "lists/_filters.html" %}     the GET form (labelled fields, error summary)
                                            and the result count in a live region
    {% for issue in list.rows %}…{% endfor %}
    {% include "lists/_paging.html" %}      previous / next, "page n of m"; the filters stay
                                            in the URL (Django's ``{% querystring %}``)

Unknown filter values answer 400 with the message at the field; the valid filters still
apply. The query count is fixed whatever the row count: the choices of each select (one
query each), the count and the page.

Several lists on one page (the inbox's sections) each take a ``prefix``: their fields are
``<prefix>-q``, ``<prefix>-page`` …, each pages on its own, and each list's form and links
keep the other lists' parameters (``Listing.kept``, ``page_url``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import django_filters
from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _

PAGE_SIZE = 25
SEARCH_LENGTH = 100


@dataclass
class Listing:
    """One page of a filtered list, and what its template needs to draw the rest."""

    filters: ListFilters
    page: Page
    status: int
    prefix: str = ""
    anchor: str = ""  # the element links and the form come back to (``#…``)
    query: QueryDict | None = None  # the whole page's query string

    @property
    def rows(self) -> list[Any]:
        return list(self.page.object_list)

    @property
    def total(self) -> int:
        return self.page.paginator.count

    @property
    def form(self) -> forms.Form:
        return self.filters.form

    @property
    def filtered(self) -> bool:
        """Whether any filter is set (the form then opens on a phone)."""
        data = self.filters.data or {}
        return any(data.get(self.filters.form.add_prefix(name)) for name in self.filters.filters)

    @property
    def page_param(self) -> str:
        return f"{self.prefix}-page" if self.prefix else "page"

    def own(self, name: str) -> bool:
        """Whether a query parameter belongs to this list (a prefixed list's own ones)."""
        return name.startswith(f"{self.prefix}-") if self.prefix else True

    def _url(self, **changes: Any) -> str:
        query = (self.query or QueryDict()).copy()
        for name, value in changes.items():
            query[name] = value
        anchor = f"#{self.anchor}" if self.anchor else ""
        return f"?{query.urlencode()}{anchor}"

    @property
    def previous_url(self) -> str:
        return self._url(**{self.page_param: self.page.previous_page_number()})

    @property
    def next_url(self) -> str:
        return self._url(**{self.page_param: self.page.next_page_number()})

    @property
    def clear_url(self) -> str:
        """This list without its filters; the page's other lists keep theirs."""
        kept = QueryDict(mutable=True)
        for name, value in self.kept:
            kept.appendlist(name, value)
        anchor = f"#{self.anchor}" if self.anchor else ""
        return f"?{kept.urlencode()}{anchor}"

    @property
    def kept(self) -> list[tuple[str, str]]:
        """The other lists' parameters, carried as hidden fields by this list's form."""
        if not self.prefix or self.query is None:
            return []
        return [(k, v) for k, values in self.query.lists() if not self.own(k) for v in values]


def paged(
    request: HttpRequest | None,
    visible: QuerySet[Any],
    filters: type[ListFilters],
    *,
    per_page: int = PAGE_SIZE,
    prefix: str = "",
    anchor: str = "",
) -> Listing:
    """Filter what ``visible`` already allows by the request's GET, and cut one page."""
    query = request.GET if request is not None else QueryDict()
    own = any(name.startswith(f"{prefix}-") for name in query) if prefix else bool(query)
    bound = filters(
        query if own else None, queryset=visible, request=request, prefix=prefix or None
    )
    rows = bound.qs
    status = 400 if bound.is_bound and not bound.form.is_valid() else 200
    page_param = f"{prefix}-page" if prefix else "page"
    page = Paginator(rows, per_page).get_page(query.get(page_param))
    return Listing(
        filters=bound, page=page, status=status, prefix=prefix, anchor=anchor, query=query
    )


def first_page(
    visible: QuerySet[Any], filters: type[ListFilters], *, prefix: str = "", anchor: str = ""
) -> Listing:
    """The unfiltered first page, for a fragment pushed to everyone (no one's filters)."""
    return paged(None, visible, filters, prefix=prefix, anchor=anchor)


class DateRangeCheck(forms.Form):
    """A date range that ends before it starts is a mistake worth saying, not an empty list."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data


class ListFilters(django_filters.FilterSet):
    """Search, date range and "mine", common to every list; each list names its own
    columns: ``search_fields`` (icontains; a number also matches the id),
    ``date_field`` (a DateTimeField, compared by local date) and ``filter_mine``; a number
    also matches ``number_field`` (the ``#id`` the rows show)."""

    search_fields: ClassVar[tuple[str, ...]] = ()
    number_field: ClassVar[str] = "pk"
    date_field: ClassVar[str] = "created_at"

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=SEARCH_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    since = django_filters.DateFilter(
        label=_("From (date)"),
        method="from_date",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        label=_("To (date)"),
        method="to_date",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def get_form_class(self) -> type[forms.Form]:
        return type("ListForm", (DateRangeCheck, super().get_form_class()), {})

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        words = value.strip()
        if not words:
            return queryset
        match = Q()
        for field in self.search_fields:
            match |= Q(**{f"{field}__icontains": words})
        number = words.lstrip("#")
        if number.isdigit() and len(number) < 10:
            match |= Q(**{self.number_field: int(number)})
        return queryset.filter(match)

    def from_date(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.date_field}__date__gte": value})

    def to_date(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.date_field}__date__lte": value})

    def filter_mine(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        raise NotImplementedError  # a list offering "mine" says what it means there

    def mine(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return self.filter_mine(queryset, name, value) if value else queryset

    @property
    def user_id(self) -> int | None:
        user = getattr(self.request, "user", None)
        return user.pk if user is not None and user.is_authenticated else None


def mine_filter(label: Any) -> django_filters.BooleanFilter:
    """The "mine" checkbox; its meaning is the list's ``filter_mine``."""
    return django_filters.BooleanFilter(label=label, method="mine", widget=forms.CheckboxInput)
