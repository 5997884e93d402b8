import re

from django.core.exceptions import ValidationError

_CF_PERSONA = re.compile(r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$")
_CF_NUMERICO = re.compile(r"^[0-9]{11}$")

_ODD = {
    **dict(zip("0123456789", [1, 0, 5, 7, 9, 13, 15, 17, 19, 21], strict=True)),
    **dict(
        zip(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23],
            strict=True,
        )
    ),
}


def _even(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - ord("A")


def controllo_cf_persona(cf: str) -> str:
    total = sum(_ODD[c] if i % 2 == 0 else _even(c) for i, c in enumerate(cf[:15]))
    return chr(ord("A") + total % 26)


def controllo_numerico(cf: str) -> str:
    """Check digit of an 11-digit codice fiscale / partita IVA (Luhn-like)."""
    total = 0
    for i, ch in enumerate(cf[:10]):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return str((10 - total % 10) % 10)


def valida_codice_fiscale(value: str) -> None:
    cf = (value or "").strip().upper()
    if _CF_NUMERICO.match(cf):
        if controllo_numerico(cf) != cf[10]:
            raise ValidationError("Codice fiscale numerico non valido (cifra di controllo errata).")
        return
    if _CF_PERSONA.match(cf):
        if controllo_cf_persona(cf) != cf[15]:
            raise ValidationError("Codice fiscale non valido (carattere di controllo errato).")
        return
    raise ValidationError("Codice fiscale non valido: servono 16 caratteri (persona) o 11 cifre (ente).")


def valida_partita_iva(value: str) -> None:
    piva = (value or "").strip()
    if not _CF_NUMERICO.match(piva) or controllo_numerico(piva) != piva[10]:
        raise ValidationError("Partita IVA non valida: servono 11 cifre con la cifra di controllo corretta.")
