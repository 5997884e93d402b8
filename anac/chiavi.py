"""Idempotency keys of the ANAC operations: ``<tipo>:<pk>:<passo>[:<numero>…]``.

The owner of a sequence (``contratti.ordinativi.anac``, ``contratti.schede.anac``) chooses the
numbers (the attempt, the interrogation); this is the only place that writes and reads the format,
so that the keys already stored keep matching (e.g. ``ordinativo:42:conferma-appalto:1``)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ChiaveOperazione:
    tipo: str
    pk: int
    passo: str
    numeri: tuple[int, ...] = ()

    def __str__(self) -> str:
        return ":".join([self.tipo, str(self.pk), self.passo, *(str(n) for n in self.numeri)])

    @classmethod
    def leggi(cls, testo: str) -> "ChiaveOperazione":
        """The parts of a key built by ``str(ChiaveOperazione(...))`` (ValueError otherwise)."""
        parti = testo.split(":")
        if len(parti) < 3 or not all(p.isdigit() for p in [parti[1], *parti[3:]]):
            raise ValueError(f"Chiave di operazione ANAC non valida: {testo!r}")
        return cls(parti[0], int(parti[1]), parti[2], tuple(int(n) for n in parti[3:]))

    @staticmethod
    def prefisso(tipo: str, pk: int, passo: str = "") -> str:
        """The start shared by the keys of one owner (and of one ``passo``), for ``chiave__startswith``."""
        return f"{tipo}:{pk}:{passo}:" if passo else f"{tipo}:{pk}:"
