// Copy buttons for texts that are also plain selectable text: without JavaScript
// the buttons stay hidden and the text can be selected and copied by hand.
(function () {
  if (!navigator.clipboard) return;
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) return;
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = "value" in target && target.tagName !== "PRE" ? target.value : target.textContent;
      navigator.clipboard.writeText(text).then(function () {
        button.textContent = button.getAttribute("data-copied-label") || label;
        setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });
})();
