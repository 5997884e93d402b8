from wagtail import hooks


@hooks.register("sct_area_riservata")
def registro_audit(request):
    """Area riservata: the audit trail of each contract the user is banditore of."""
    from guardian.shortcuts import get_objects_for_user

    from contratti.models import ContrattoPage
    from contratti.permessi import PERM_GESTISCI

    user = request.user
    if not user.is_authenticated:
        return None
    contratti = list(get_objects_for_user(user, PERM_GESTISCI, klass=ContrattoPage, accept_global_perms=False)
                     .order_by("title"))
    if not contratti:
        return None
    return "audit/area_riservata.html", {"contratti": contratti}
