// Keeps the "open in my mail client" link in step with the letter as it is edited,
// so one click is enough; without JavaScript the form's button does the same.
(function () {
  var link = document.getElementById("letter-mailto");
  var subject = document.getElementById("id_letter-subject");
  var body = document.getElementById("id_letter-body");
  if (!link || !subject || !body) return;
  var to = (link.getAttribute("data-recipients") || "").split(",").filter(Boolean)
    .map(function (address) { return encodeURIComponent(address).replace("%40", "@"); }).join(",");
  function update() {
    link.href = "mailto:" + to + "?subject=" + encodeURIComponent(subject.value) +
      "&body=" + encodeURIComponent(body.value);
  }
  subject.addEventListener("input", update);
  body.addEventListener("input", update);
})();
