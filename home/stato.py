"""``/health/``: the state of the services this node needs, for the load balancer and monitoring.

Built on django-health-check (``HealthCheckView`` runs the checks concurrently, each within its
timeout). Checks: database, the two caches (``default`` and ``pagine``, written and read with errors
let through: the fail-open backends would otherwise answer a miss), the two storages (``storage``: the
members' private files, ``storage_media``: public media), the Celery broker and a Celery worker that
answers a ping and consumes the default queue (``SCT_HEALTH_WORKER_CELERY``). Always JSON
(``{"status": "ok"|"errore", <componente>: "ok"|"errore: …"}``), 200 or 503, never cached;
``?format=openmetrics`` for Prometheus (always 200, as that format expects); ``?solo=a,b`` runs only
those checks (400 for an unknown name). Not linked from the public pages."""

import dataclasses
import datetime
import uuid

from django.conf import settings
from django.core.cache import caches
from django.http import JsonResponse
from health_check.base import HealthCheck
from health_check.checks import Database, Storage
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from redis.exceptions import RedisError

from sct_site.cache.backend import strict
from sct_site.celery import app


@dataclasses.dataclass
class CacheScrivibile(HealthCheck):
    """Write, read and delete a key, with the cache's errors let through (``strict``)."""

    alias: str = "default"
    timeout = datetime.timedelta(seconds=2)

    def run(self):
        cache = caches[self.alias]
        chiave = f"sct:health:{uuid.uuid4().hex}"
        try:
            with strict(cache):
                cache.set(chiave, "ok", 30)
                letto = cache.get(chiave)
                cache.delete(chiave)
        except (RedisError, OSError) as exc:
            raise ServiceUnavailable(f"cache '{self.alias}' non raggiungibile ({type(exc).__name__})") from exc
        if letto != "ok":
            raise ServiceUnavailable(f"cache '{self.alias}': il valore scritto non si rilegge")


@dataclasses.dataclass
class Broker(HealthCheck):
    timeout = datetime.timedelta(seconds=3)

    def run(self):
        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
        except Exception as exc:  # noqa: BLE001 - kombu raises many kinds of errors; each one is an outage
            raise ServiceUnavailable(f"broker non raggiungibile ({type(exc).__name__})") from exc


@dataclasses.dataclass
class WorkerCelery(HealthCheck):
    """A worker answers ``ping`` and consumes the default queue. Both calls return at the first answer
    (``limit``), not at the end of ``attesa``: a healthy node answers in the broker's latency."""

    attesa: float = 2.0
    timeout = datetime.timedelta(seconds=6)

    def run(self):
        try:
            risposte = app.control.ping(timeout=self.attesa, limit=1)
            nomi = [nome for risposta in risposte for nome, esito in risposta.items() if esito == {"ok": "pong"}]
            if not nomi:
                raise ServiceUnavailable("nessun worker Celery risponde al ping")
            code = app.control.inspect(nomi, timeout=self.attesa, limit=len(nomi)).active_queues() or {}
        except ServiceUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001 - kombu/Celery errors of any kind: no worker reachable
            raise ServiceUnavailable(f"worker Celery non raggiungibile ({type(exc).__name__})") from exc
        coda = app.conf.task_default_queue
        if not any(c.get("name") == coda for elenco in code.values() for c in elenco):
            raise ServiceUnavailable(f"nessun worker Celery consuma la coda {coda}")


def controlli():
    voci = [
        ("database", Database()),
        ("cache", CacheScrivibile("default")),
        ("cache_pagine", CacheScrivibile("pagine")),
        ("storage", Storage("private")),
        ("storage_media", Storage("default")),
        ("broker", Broker()),
    ]
    if getattr(settings, "SCT_HEALTH_WORKER_CELERY", True):
        voci.append(("worker", WorkerCelery(attesa=float(getattr(settings, "SCT_HEALTH_ATTESA_WORKER", 2.0)))))
    return voci


class StatoServizio(HealthCheckView):
    async def dispatch(self, request, *args, **kwargs):
        risposta = await super().dispatch(request, *args, **kwargs)
        if risposta.status_code == 500:  # the package's "unhealthy"; ours is 503, as before
            risposta.status_code = 503
        return risposta

    def get_checks(self):
        nomi = self.__dict__.setdefault("_nomi", {})  # also for "manage.py health_check health --no-http"
        solo = _solo(getattr(self, "request", None))
        for nome, controllo in controlli():
            if solo is None or nome in solo:
                nomi[id(controllo)] = nome
                yield controllo

    async def get(self, request, *args, **kwargs):
        solo, tutti = _solo(request), [nome for nome, _ in controlli()]
        if solo is not None and (not solo or not solo <= set(tutti)):
            return JsonResponse(
                {
                    "status": "errore",
                    "errore": "Parametro «solo» non valido: usare uno o più tra "
                    + ", ".join(tutti)
                    + ", separati da virgole.",
                },
                status=400,
            )
        if request.GET.get("format") != "openmetrics":
            request.GET = request.GET.copy()
            request.GET["format"] = "json"  # machines first: the same JSON whatever the Accept header
        return await super().get(request, *args, **kwargs)

    def render_to_response_json(self, status):
        esiti = {
            self._nomi[id(r.check)]: "ok" if r.error is None else f"errore: {getattr(r.error, 'message', r.error)}"
            for r in self.results
        }
        ok = all(valore == "ok" for valore in esiti.values())
        return JsonResponse({"status": "ok" if ok else "errore", **esiti}, status=200 if ok else 503)


def _solo(request):
    """``?solo=database,storage``: only those checks (e.g. a load balancer that must not take every node
    out when a dependency they all share, the cache or the workers, is down)."""
    if request is None or "solo" not in request.GET:
        return None
    return {nome.strip() for nome in request.GET["solo"].split(",") if nome.strip()}


health = StatoServizio.as_view()
