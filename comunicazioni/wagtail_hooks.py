from wagtail import hooks

from . import services


@hooks.register("sct_area_riservata")
def blocco_comunicazioni(request):
    """The "Comunicazioni" block of the Area riservata: unread messages per contract."""
    user = request.user
    if not user.is_authenticated:
        return None
    riepilogo = services.riepilogo_per_contratto(user)
    return (
        "comunicazioni/includes/area_riservata.html",
        {"riepilogo": riepilogo, "non_lette": sum(n for _, n, _ in riepilogo)},
    )
