from django.core.paginator import EmptyPage, PageNotAnInteger


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
