// Contract page tabs: the URL fragment (#elenco-adesioni, #elenco-ordinativi, …) opens its tab,
// a click on a tab writes its fragment in the history (the back button returns to the previous tab).
// Without this script the page shows every pane and the tab links jump to them.
(function () {
  var lista = document.getElementById("tab-contratto");
  var contenuto = document.getElementById("contenuto-tab");
  if (!lista || !contenuto || !window.bootstrap || !window.bootstrap.Tab) { return; }
  contenuto.classList.remove("sct-tab-senza-js");
  var schede = Array.prototype.slice.call(lista.querySelectorAll("[data-bs-toggle='tab']"));
  var predefinita = schede[0];

  function frammento(scheda) { return scheda.getAttribute("href"); }

  // The tab of a fragment: a tab's own fragment, or the tab whose pane holds the element it names.
  function schedaDi(hash) {
    if (!hash || hash === "#") { return predefinita; }
    var propria = schede.filter(function (s) { return frammento(s) === hash; })[0];
    if (propria) { return propria; }
    var elemento = null;
    try { elemento = document.getElementById(decodeURIComponent(hash.slice(1))); } catch (e) { return null; }
    var pannello = elemento && elemento.closest(".tab-pane");
    if (!pannello) { return null; }
    return schede.filter(function (s) { return s.getAttribute("data-bs-target") === "#" + pannello.id; })[0] || null;
  }

  function mostra(hash, scorri) {
    var scheda = schedaDi(hash);
    if (!scheda) { return; }
    window.bootstrap.Tab.getOrCreateInstance(scheda).show();
    if (scorri && scheda !== predefinita) { lista.scrollIntoView({ block: "start" }); }
  }

  lista.addEventListener("shown.bs.tab", function (evento) {
    // Shown from the URL (load, back/forward): nothing to write; shown by the user: a new entry.
    if (schedaDi(window.location.hash) !== evento.target) {
      window.history.pushState({ tab: frammento(evento.target) }, "", frammento(evento.target));
    }
  });
  window.addEventListener("popstate", function () { mostra(window.location.hash, false); });
  window.addEventListener("hashchange", function () { mostra(window.location.hash, false); });
  mostra(window.location.hash, true);
})();
