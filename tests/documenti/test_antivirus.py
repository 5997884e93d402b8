"""Optional clamd scan: a small server speaking clamd's INSTREAM protocol stands in for clamd."""

import shutil
import socket
import struct
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from documenti.validazione import FileNonValido, valida_e_salva

from . import campioni as c

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class ClamdDiProva:
    """Answers INSTREAM like clamd: "stream: Eicar-Test-Signature FOUND" when the EICAR string is inside."""

    def __init__(self, percorso):
        self.percorso = str(percorso)
        self.ricevuti = []
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.percorso)
        self.server.listen()
        self.thread = threading.Thread(target=self._servi, daemon=True)
        self.thread.start()

    def _leggi(self, conn, n):
        dati = b""
        while len(dati) < n:
            parte = conn.recv(n - len(dati))
            if not parte:
                raise ConnectionError
            dati += parte
        return dati

    def _servi(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                assert self._leggi(conn, 10) == b"zINSTREAM\0"
                dati = b""
                while True:
                    (lunghezza,) = struct.unpack("!L", self._leggi(conn, 4))
                    if lunghezza == 0:
                        break
                    dati += self._leggi(conn, lunghezza)
                self.ricevuti.append(dati)
                esito = b"stream: Eicar-Test-Signature FOUND\0" if EICAR in dati else b"stream: OK\0"
                conn.sendall(esito)

    def chiudi(self):
        self.server.close()


@pytest.fixture
def clamd(tmp_path):
    server = ClamdDiProva(tmp_path / "clamd.sock")
    with override_settings(SCT_ANTIVIRUS_CLAMD=f"unix://{server.percorso}"):
        yield server
    server.chiudi()


def test_eicar_rifiutato_e_nulla_salvato(demo, clamd, conta_archivio):
    prima = conta_archivio()
    with pytest.raises(FileNonValido) as info:
        valida_e_salva(SimpleUploadedFile("eicar.pdf", EICAR), utente=None, firma_richiesta=False)
    assert info.value.code == "virus"
    assert info.value.messages[0] == (
        "Il file «eicar.pdf» contiene un virus o un contenuto malevolo (Eicar-Test-Signature) e non è stato accettato."
    )
    assert conta_archivio() == prima


def test_eicar_dentro_un_pdf_firmato_cades(demo, clamd, conta_archivio):
    """The enveloped PDF is scanned too (clamd does not open CMS envelopes)."""
    pdf_con_eicar = c.pdf()[:-6] + b"% " + EICAR + b"\n%%EOF\n"
    prima = conta_archivio()
    with pytest.raises(FileNonValido) as info:
        valida_e_salva(SimpleUploadedFile("x.pdf.p7m", c.p7m_di(pdf_con_eicar)), utente=None, firma_richiesta=True)
    assert info.value.code == "virus"
    assert conta_archivio() == prima


def test_file_pulito_passa_ed_e_inviato_intero(demo, clamd):
    grande = c.pdf_semplice("Progetto dei fabbisogni", pagine=1500)  # several 64 KB chunks
    assert len(grande) > 3 * 64 * 1024
    documento = valida_e_salva(SimpleUploadedFile("a.pdf", grande), utente=None, firma_richiesta=False)
    assert documento.pk and clamd.ricevuti[-1] == grande


@override_settings(SCT_ANTIVIRUS_CLAMD="unix:///nonesiste/clamd.sock")
def test_clamd_irraggiungibile_rifiuta(demo, conta_archivio):
    prima = conta_archivio()
    with pytest.raises(FileNonValido) as info:
        valida_e_salva(SimpleUploadedFile("a.pdf", c.pades()), utente=None, firma_richiesta=True)
    assert info.value.code == "antivirus_non_disponibile"
    assert "controllo antivirus" in info.value.messages[0]
    assert conta_archivio() == prima


@pytest.fixture
def clamd_reale(tmp_path):
    """A real clamd (Debian's clamav-daemon) on a private socket, with one signature: EICAR's sha256.
    ClamAV cannot download its databases here; a local hash signature is enough to answer FOUND."""
    import hashlib
    import os
    import subprocess
    import time

    eseguibile = shutil.which("clamd") or next((p for p in ("/usr/sbin/clamd",) if os.path.exists(p)), None)
    if not eseguibile:
        pytest.skip("clamd non installato (apt-get install clamav-daemon)")
    db = tmp_path / "db"
    db.mkdir()
    (db / "eicar.hsb").write_text(f"{hashlib.sha256(EICAR).hexdigest()}:{len(EICAR)}:Eicar-Test-Signature\n")
    sock = tmp_path / "clamd.sock"
    conf = tmp_path / "clamd.conf"
    conf.write_text(
        f"LocalSocket {sock}\nDatabaseDirectory {db}\nForeground yes\nLogFile {tmp_path / 'clamd.log'}\n"
        f"TemporaryDirectory {tmp_path}\n"
    )
    processo = subprocess.Popen(
        [eseguibile, "--config-file", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        fine = time.monotonic() + 60
        while not sock.exists():
            if processo.poll() is not None or time.monotonic() > fine:
                log = (tmp_path / "clamd.log").read_text() if (tmp_path / "clamd.log").exists() else ""
                pytest.fail(f"clamd non è partito: {log[-2000:]}")
            time.sleep(0.1)
        yield f"unix://{sock}"
    finally:
        processo.terminate()
        processo.wait(timeout=20)


def test_clamd_reale_trova_eicar_e_lascia_passare_un_pdf(demo, clamd_reale, conta_archivio):
    prima = conta_archivio()
    with override_settings(SCT_ANTIVIRUS_CLAMD=clamd_reale):
        with pytest.raises(FileNonValido) as info:
            valida_e_salva(SimpleUploadedFile("eicar.pdf", EICAR), utente=None, firma_richiesta=False)
        assert info.value.code == "virus"
        assert conta_archivio() == prima
        documento = valida_e_salva(
            SimpleUploadedFile("pulito.pdf", c.pdf_semplice("Piano dei fabbisogni")), utente=None, firma_richiesta=False
        )
    assert documento.pk
