"""One engine for the state of a record (issue 16: one owner per state). Each ``stati.py``
(ordinativo, scheda, adesione, esito) keeps its table of ``Transizione`` and a ``MacchinaStati``;
``cambia`` checks the table, sets the other fields and the state, saves, records the audit entry
(``services.registra``) and sends the transition's signal. An illegal or unknown transition raises
the model's exception (a ``TransizioneNonConsentita``) before anything is saved."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.dispatch import Signal

from .services import registra


class TransizioneNonConsentita(ValidationError):
    """A change of state that the table does not allow; nothing is saved."""


def _insieme(stati: str | Iterable[str]) -> frozenset[str]:
    return frozenset({stati}) if isinstance(stati, str) else frozenset(stati)


@dataclass(frozen=True)
class Transizione:
    da: frozenset[str]
    a: frozenset[str]  # several: the caller chooses one (``a=``)
    azione: str  # the action of the audit entry (audit/etichette.py)
    segnale: Signal

    @classmethod
    def tra(cls, da: str | Iterable[str], a: str | Iterable[str], azione: str, segnale: Signal) -> "Transizione":
        """A transition from a state (or several) to a state (or several)."""
        return cls(_insieme(da), _insieme(a), azione, segnale)


def _salva(oggetto: Model) -> None:
    oggetto.save()


def _contratto(oggetto: Any) -> int | None:
    return oggetto.contratto_id  # every stateful record but the scheda


@dataclass(frozen=True)
class MacchinaStati:
    """The state of ``modello`` (the signals' sender): ``transizioni`` by action name; the record
    goes to the signal as ``nome``. ``msg_non_consentita`` is formatted with ``oggetto``, ``da`` and
    ``a`` (labels; "?" when no arrival was chosen), ``msg_sconosciuta`` with ``azione`` (``None``:
    an unknown action is a ``KeyError``, a programming error)."""

    modello: type[Model]
    transizioni: Mapping[str, Transizione]
    nome: str
    eccezione: type[TransizioneNonConsentita]
    msg_non_consentita: str
    msg_sconosciuta: str | None = None
    contratto: Callable[[Any], int | None] = _contratto
    salva: Callable[[Any], None] = _salva
    atomica: bool = False  # the whole change in a transaction (savepoint)

    def _etichetta(self, stato: str | None) -> str:
        if not stato:
            return "?"
        etichette = dict(self.modello._meta.get_field("stato").flatchoices)  # type: ignore[union-attr]  # a field, not a relation
        return str(etichette.get(stato, stato))

    def regola(self, azione: str) -> Transizione:
        if self.msg_sconosciuta is None:
            return self.transizioni[azione]
        if azione not in self.transizioni:
            raise self.eccezione(self.msg_sconosciuta.format(azione=azione))
        return self.transizioni[azione]

    def consentita(self, oggetto: Any, azione: str) -> bool:
        return oggetto.stato in self.regola(azione).da

    def verifica(self, oggetto: Any, azione: str, a: str | None = None) -> str:
        """The state after ``azione`` (``a`` chooses among several), or the model's exception."""
        regola = self.regola(azione)
        if a is None and len(regola.a) == 1:
            (a,) = regola.a
        if oggetto.stato not in regola.da or a not in regola.a:
            raise self.eccezione(
                self.msg_non_consentita.format(oggetto=oggetto, da=self._etichetta(oggetto.stato), a=self._etichetta(a))
            )
        assert a is not None
        return a

    def cambia(
        self,
        oggetto: Any,
        azione: str,
        *,
        a: str | None = None,
        utente: Any = None,
        request: Any = None,
        motivo: str = "",
        dati: dict[str, Any] | None = None,
        campi: dict[str, Any] | None = None,
        conserva: bool = True,
    ) -> Any:
        """Apply ``azione`` to ``oggetto`` (locked by the caller): set ``campi`` and the state, save
        (unless ``conserva=False``: the record is about to be deleted), record the audit entry, send
        the signal with ``utente``, ``da``, ``a`` and ``dati``. Returns the record."""
        if not self.atomica:
            return self._cambia(oggetto, azione, a, utente, request, motivo, dati or {}, campi or {}, conserva)
        with transaction.atomic():
            return self._cambia(oggetto, azione, a, utente, request, motivo, dati or {}, campi or {}, conserva)

    def _cambia(
        self,
        oggetto: Any,
        azione: str,
        a: str | None,
        utente: Any,
        request: Any,
        motivo: str,
        dati: dict[str, Any],
        campi: dict[str, Any],
        conserva: bool,
    ) -> Any:
        regola = self.regola(azione)
        arrivo = self.verifica(oggetto, azione, a)
        da = oggetto.stato
        for campo, valore in campi.items():
            setattr(oggetto, campo, valore)
        oggetto.stato = arrivo
        if conserva:
            self.salva(oggetto)
        registra(
            regola.azione,
            oggetto,
            utente=utente,
            request=request,
            contratto=self.contratto(oggetto),
            da=da,
            a=arrivo,
            motivo=motivo,
            dati=dati,
        )
        regola.segnale.send(sender=self.modello, **{self.nome: oggetto}, utente=utente, da=da, a=arrivo, dati=dati)
        return oggetto
