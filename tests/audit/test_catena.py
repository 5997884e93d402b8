import pytest
from django.core.management import CommandError, call_command

from audit.models import VoceAudit
from audit.services import registra, verifica_catena, voci_per

pytestmark = pytest.mark.django_db


def test_registra_e_verifica(demo):
    sct = demo.sct
    prima = registra(
        "contratto.visto", sct, utente=demo.user("banditore"), contratto=sct, da="a", a="b", motivo="prova"
    )
    seconda = registra("contratto.visto", sct, dati={"importo": "10.00"})
    assert seconda.hash_precedente == prima.hash
    assert prima.utente_repr == "banditore" and seconda.utente_repr == "sistema"
    assert list(voci_per(sct)) == [prima, seconda]
    assert verifica_catena() == []
    call_command("verifica_audit")


def test_alterazione_in_database_rilevata(demo):
    registra("uno", demo.sct)
    voce = registra("due", demo.sct, motivo="originale")
    registra("tre", demo.sct)
    VoceAudit.objects.filter(pk=voce.pk).update(motivo="modificato")
    assert verifica_catena() == [voce]
    with pytest.raises(CommandError):
        call_command("verifica_audit")


def test_cancellazione_rilevata(demo):
    registra("uno", demo.sct)
    voce = registra("due", demo.sct)
    terza = registra("tre", demo.sct)
    VoceAudit.objects.filter(pk=voce.pk).delete()
    assert verifica_catena() == [terza]
