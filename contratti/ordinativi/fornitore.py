"""The package of signed documents the ente sends to the supplier by PEC once the banditore has
approved the ordinativo: which documents go in it, the ZIP, the audit entry."""

import io
import zipfile

from audit.services import registra

from ..models import Adesione, Ordinativo
from .services import OperazioneNonConsentita

MSG_PACCHETTO_NON_DISPONIBILE = "Il pacchetto per il fornitore è disponibile solo per un ordinativo approvato."
CODICE_DPA = "data-protection-agreement"


def documenti_per_il_fornitore(ordinativo):
    """(documento, etichetta) of the signed files that go to the supplier: the current atto/proroga
    uploaded by the ente, the signed scheda di sintesi and, for ipotesi B only, the DPA signed by the
    administration with the adesione."""
    voci = [
        (d.documento, d.etichetta)
        for d in ordinativo.documenti.filter(corrente=True, caricato_da="aderente").select_related("documento")
    ]
    if ordinativo.scheda_firmata_id:
        voci.append((ordinativo.scheda_firmata, "Scheda di sintesi"))
    if ordinativo.adesione.ipotesi == Adesione.Ipotesi.B:
        dpa = (
            ordinativo.adesione.documenti.filter(corrente=True, codice_richiesta=CODICE_DPA)
            .select_related("documento")
            .first()
        )
        if dpa:
            voci.append((dpa.documento, dpa.etichetta))
    return voci


def nome_pacchetto(ordinativo):
    return f"ordinativo-{ordinativo.codice.replace('/', '-')}-documenti-firmati.zip"


def pacchetto_fornitore(ordinativo, *, request=None):
    """The ZIP (a file object at offset 0) of ``documenti_per_il_fornitore``, numbered in order, with
    the download written to the audit trail. Only for an approved ordinativo."""
    if ordinativo.stato != Ordinativo.Stato.APPROVATO:
        raise OperazioneNonConsentita(MSG_PACCHETTO_NON_DISPONIBILE)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archivio:
        for i, (doc, etichetta) in enumerate(documenti_per_il_fornitore(ordinativo), start=1):
            estensione = "p7m" if doc.tipo == "p7m" else "pdf"
            nome = f"{i:02d}-{etichetta[:60]}.{estensione}".replace("/", "-")
            with doc.file.open("rb") as fh:
                archivio.writestr(nome, fh.read())
    registra("ordinativo.pacchetto_scaricato", ordinativo, request=request, contratto=ordinativo.contratto_id)
    buffer.seek(0)
    return buffer
