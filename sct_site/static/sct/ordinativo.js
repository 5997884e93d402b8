// While ANAC works on the order, refresh the page when its state changes (a reload works too).
(function () {
  var box = document.querySelector("[data-sct-poll-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-sct-poll-url");
  var stato = box.getAttribute("data-sct-stato");
  var recupero = box.getAttribute("data-sct-recupero") === "1";
  var tentativi = 0;
  function controlla() {
    tentativi += 1;
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (d && (d.stato !== stato || d.cig_in_recupero !== recupero)) { window.location.reload(); return; }
        if (tentativi < 200) { window.setTimeout(controlla, 3000); }
      })
      .catch(function () { if (tentativi < 200) { window.setTimeout(controlla, 5000); } });
  }
  window.setTimeout(controlla, 2000);
})();
