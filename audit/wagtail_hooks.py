from wagtail import hooks
from wagtail.models import Page

from organizzazioni.permessi import contratti_gestiti_ids


@hooks.register("sct_area_riservata")
def registro_audit(request):
    """Area riservata: the audit trail of each contract the user is banditore of."""
    contratti = list(Page.objects.filter(pk__in=contratti_gestiti_ids(request.user)).order_by("title"))
    if not contratti:
        return None
    return "audit/area_riservata.html", {"contratti": contratti}
