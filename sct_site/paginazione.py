from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator


class PaginatorDaiDueLati(Paginator):
    """A page in the second half is read from the other end of the (reversed) ordering: the OFFSET the
    database walks is at most half the list, and the last pages cost as little as the first ones.
    The ordering must be total (end with a unique column) for the reversed slice to be the same rows."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom <= self.count // 2 or not getattr(self.object_list, "ordered", False):
            return super().page(number)
        righe = list(self.object_list.reverse()[self.count - top : self.count - bottom])
        righe.reverse()
        return self._get_page(righe, number, self)


def pagina_richiesta(paginator, request):
    """The page asked for in ``?page=``: garbage gives the first page, a page past the end the last
    one with a notice. Returns ``(pagina, avviso or None, query string without page)``."""
    avviso = None
    try:
        pagina = paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger:
        pagina = paginator.page(1)
    except EmptyPage:
        pagina = paginator.page(paginator.num_pages)
        avviso = f"La pagina richiesta non esiste: è mostrata l'ultima pagina ({paginator.num_pages})."
    query = request.GET.copy()
    query.pop("page", None)
    return pagina, avviso, query.urlencode()
