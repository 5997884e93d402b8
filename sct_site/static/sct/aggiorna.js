// Pages waiting on ANAC or on the banditore update by themselves (one mechanism for every page).
//
// <div data-sct-aggiorna="STATUS_URL" data-sct-versione="V" data-sct-regione="ID" …> (sct/_aggiornamento.html)
// polls STATUS_URL (same-origin GET, JSON, read-only on the server) with backoff; when the JSON's
// version differs from V it fetches this same page and replaces the element #ID with the one the
// server renders now (no reload), announces the change in a polite live region and starts again on
// the new content. It stops when the new content has no indicator (final state), after a cap, or on
// errors: then the plain link "Aggiorna la pagina" (the only mechanism without JavaScript) comes back.
(function () {
  "use strict";
  if (window.sctAggiorna) { return; }
  window.sctAggiorna = true;

  var INTESTAZIONI = { "Accept": "application/json", "X-SCT-Aggiornamento": "1" };
  var attivi = [];
  var annunci = null;

  function regioneAnnunci() {
    if (!annunci) {
      annunci = document.createElement("div");
      annunci.className = "visually-hidden";
      annunci.setAttribute("role", "status");
      annunci.setAttribute("aria-live", "polite");
      annunci.setAttribute("aria-atomic", "true");
      annunci.id = "sct-annunci-aggiornamento";
      document.body.appendChild(annunci);
    }
    return annunci;
  }

  function annuncia(testo) {
    var r = regioneAnnunci();
    r.textContent = "";
    window.setTimeout(function () { r.textContent = testo; }, 100);
  }

  function numero(el, nome, predefinito) {
    var v = parseInt(el.getAttribute(nome), 10);
    return isNaN(v) || v <= 0 ? predefinito : v;
  }

  // An element that can be found again in the new content (to give the focus back).
  function chiave(el) {
    if (!el || el === document.body) { return null; }
    if (el.id) { return { id: el.id }; }
    var form = el.form || el.closest("form");
    return {
      tag: el.tagName, testo: (el.textContent || "").trim(), nome: el.getAttribute("name"),
      href: el.getAttribute("href"), azione: form ? form.getAttribute("action") : null,
    };
  }

  function ritrova(radice, k) {
    if (!k) { return null; }
    if (k.id) { return document.getElementById(k.id); }
    var candidati = radice.getElementsByTagName(k.tag);
    for (var i = 0; i < candidati.length; i++) {
      var c = candidati[i];
      var form = c.form || c.closest("form");
      if ((c.textContent || "").trim() === k.testo && c.getAttribute("name") === k.nome &&
          c.getAttribute("href") === k.href && (form ? form.getAttribute("action") : null) === k.azione) {
        return c;
      }
    }
    return null;
  }

  function Osservatore(el) {
    this.el = el;
    this.url = el.getAttribute("data-sct-aggiorna");
    this.versione = el.getAttribute("data-sct-versione");
    this.campo = el.getAttribute("data-sct-campo") || "versione";
    this.idRegione = el.getAttribute("data-sct-regione");
    this.base = numero(el, "data-sct-intervallo", 2000);
    this.massimo = numero(el, "data-sct-intervallo-max", 15000);
    this.fine = Date.now() + numero(el, "data-sct-durata-max", 3600) * 1000;
    this.ritardo = this.base;
    this.errori = 0;
    this.timer = null;
    this.fermo = false;
    this.modificata = false;
    var self = this;
    var regione = this.regione();
    if (regione) {
      // A form the user is filling in is never replaced under his hands.
      regione.addEventListener("input", function () { self.modificata = true; });
      regione.addEventListener("change", function () { self.modificata = true; });
    }
    el.classList.add("sct-aggiornamento-attivo");
    this.mostra(true);
    this.pianifica();
  }

  // The element replaced on a change; on a page without it, the whole main content.
  Osservatore.prototype.regione = function () {
    return (this.idRegione && document.getElementById(this.idRegione)) || document.getElementById("contenuto");
  };

  Osservatore.prototype.mostra = function (automatico, messaggio) {
    var attivo = this.el.querySelector("[data-sct-aggiornamento-attivo]");
    var manuale = this.el.querySelector("[data-sct-aggiornamento-manuale]");
    if (attivo) { attivo.hidden = !automatico; }
    if (manuale) { manuale.hidden = automatico; }
    var testo = this.el.querySelector("[data-sct-aggiornamento-motivo]");
    if (testo && messaggio) { testo.textContent = messaggio; }
  };

  Osservatore.prototype.ferma = function (messaggio) {
    this.fermo = true;
    window.clearTimeout(this.timer);
    if (messaggio) {
      this.mostra(false, messaggio);
      annuncia(messaggio);
    }
  };

  Osservatore.prototype.pianifica = function () {
    var self = this;
    if (this.fermo) { return; }
    if (Date.now() > this.fine) {
      this.ferma("L'aggiornamento automatico si è interrotto dopo un'ora.");
      return;
    }
    this.timer = window.setTimeout(function () { self.controlla(); }, this.ritardo);
  };

  Osservatore.prototype.controlla = function () {
    var self = this;
    if (this.fermo) { return; }
    if (document.hidden) { this.sospeso = true; return; }  // resumed by visibilitychange
    fetch(this.url, { headers: INTESTAZIONI, credentials: "same-origin", cache: "no-store", redirect: "manual" })
      .then(function (r) {
        var tipo = r.headers.get("Content-Type") || "";
        if (r.type === "opaqueredirect" || r.status === 401 || r.status === 403 || r.status === 404) {
          throw new Error("fine");
        }
        if (!r.ok || tipo.indexOf("application/json") !== 0) { throw new Error("errore"); }
        return r.json();
      })
      .then(function (d) {
        if (self.fermo) { return; }  // another indicator of the same region updated it meanwhile
        self.errori = 0;
        if (d[self.campo] !== undefined && d[self.campo] !== self.versione) {
          self.aggiorna(d);
          return;
        }
        self.ritardo = Math.min(Math.round(self.ritardo * 1.5), self.massimo);
        self.pianifica();
      })
      .catch(function (e) {
        if (self.fermo) { return; }
        if (e && e.message === "fine") {
          self.ferma("L'aggiornamento automatico si è interrotto: la sessione potrebbe essere scaduta.");
          return;
        }
        self.errori += 1;
        if (self.errori >= 5) {
          self.ferma("L'aggiornamento automatico si è interrotto: il sito non risponde.");
          return;
        }
        self.ritardo = Math.min(self.ritardo * 2, self.massimo);
        self.pianifica();
      });
  };

  Osservatore.prototype.aggiorna = function (dati) {
    var self = this;
    var regione = this.regione();
    if (!regione || this.modificata) {
      this.ferma((dati.annuncio ? dati.annuncio + " " : "") +
        "Aggiorna la pagina per vederlo (i dati inseriti e non salvati andrebbero persi).");
      return;
    }
    fetch(window.location.href, { headers: { "X-SCT-Aggiornamento": "1" }, credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        if (!r.ok || r.redirected) { throw new Error("pagina"); }
        return r.text();
      })
      .then(function (html) {
        if (self.fermo || !document.contains(regione)) { return; }
        var nuova = new DOMParser().parseFromString(html, "text/html").getElementById(regione.id);
        if (!nuova) { throw new Error("pagina"); }
        sostituisci(regione, nuova);
        annuncia(dati.annuncio || "Pagina aggiornata.");
      })
      .catch(function () {
        self.ferma((dati.annuncio ? dati.annuncio + " " : "") + "Aggiorna la pagina per vederlo.");
      });
  };

  function sostituisci(regione, nuova) {
    var focus = regione.contains(document.activeElement) ? chiave(document.activeElement) : null;
    attivi = attivi.filter(function (o) {
      if (regione.contains(o.el)) { o.ferma(); return false; }
      return true;
    });
    var importata = document.importNode(nuova, true);
    regione.parentNode.replaceChild(importata, regione);
    var daFocalizzare = ritrova(importata, focus);
    if (daFocalizzare && !daFocalizzare.disabled) { daFocalizzare.focus({ preventScroll: true }); }
    avvia(importata);
  }

  function avvia(radice) {
    var elementi = radice.querySelectorAll("[data-sct-aggiorna]");
    for (var i = 0; i < elementi.length; i++) {
      if (!elementi[i].classList.contains("sct-aggiornamento-attivo")) {
        attivi.push(new Osservatore(elementi[i]));
      }
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { return; }
    attivi.forEach(function (o) {
      if (o.sospeso && !o.fermo) { o.sospeso = false; o.ritardo = o.base; o.controlla(); }
    });
  });

  regioneAnnunci();
  avvia(document);
})();
