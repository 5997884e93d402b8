from django.contrib.auth.decorators import login_required
from django.db.models import F, Q
from django.shortcuts import render
from django.utils import timezone

from contratti.adesioni.permessi import enti_operativi
from contratti.models import ContrattoPage, UtenteAbilitato
from organizzazioni.models import Incarico
from organizzazioni.permessi import contratti_gestiti_ids

from .area_riservata import sezioni_aggiuntive

CONTRATTI_IN_EVIDENZA = 10


def ruolo_abilitato(abilitato):
    """The role of a user abilitato on a contract, in the manual's words ("RUP dell'Accordo Quadro")."""
    if abilitato.ruolo == UtenteAbilitato.Ruolo.RUP:
        tipo = abilitato.contratto.get_tipo_display()
        return f"RUP dell'{tipo}" if tipo[:1] in "AEIOU" else f"RUP della {tipo}"
    return abilitato.get_ruolo_display()


def incarichi_da_mostrare(user, incarichi, gestiti):
    """(role, organisation) of "I tuoi incarichi": the staff of the ente that issues the contracts the
    user manages is "Banditore" there, and each contract adds the user's role on it."""
    enti_banditori = {c.banditore_id for c in gestiti}
    righe = []
    for i in incarichi:
        banditore = i.ente_id in enti_banditori and i.ruolo == Incarico.Ruolo.OPERATORE
        righe.append(("Banditore" if banditore else i.get_ruolo_display(), i.organizzazione))
    abilitati = UtenteAbilitato.objects.filter(user=user, contratto__in=gestiti).select_related("contratto")
    for a in abilitati:
        righe.append((ruolo_abilitato(a), a.contratto.title))
    return righe


@login_required
def area_riservata(request):
    """What the user can act on: their organisations, roles and contracts."""
    user = request.user
    incarichi = Incarico.objects.filter(user=user).select_related("ente", "operatore")
    contratti = ContrattoPage.objects.live().select_related("banditore", "aggiudicatario")
    enti = [i.ente for i in incarichi if i.ente_id]
    operatori = [i.operatore for i in incarichi if i.operatore_id]
    gestiti = list(contratti.filter(pk__in=contratti_gestiti_ids(user)))
    sezioni = {
        "incarichi": incarichi_da_mostrare(user, incarichi, gestiti),
        "contratti_banditore": gestiti,
        "contratti_aggiudicatario": list(contratti.filter(aggiudicatario__in=operatori)) if operatori else [],
    }
    if enti_operativi(user).exists():
        # The active contracts with the nearest deadline; the others are in "Elenco contratti" (a region
        # publishes thousands: the list is not the place for all of them). Only the roles that request
        # adesioni see them, and never the contracts the user manages as banditore.
        oggi = timezone.localdate()
        aderibili = (
            contratti.filter(Q(data_scadenza__isnull=True) | Q(data_scadenza__gte=oggi))
            .exclude(pk__in=[c.pk for c in gestiti])
            .order_by(F("data_scadenza").asc(nulls_last=True), "title")
        )
        sezioni["contratti_aderibili"] = list(aderibili[:CONTRATTI_IN_EVIDENZA])
        sezioni["contratti_aderibili_totale"] = aderibili.count()

    return render(
        request,
        "home/area_riservata.html",
        {"sezioni": sezioni, "enti": enti, "operatori": operatori, "aggiuntive": sezioni_aggiuntive(request)},
    )
