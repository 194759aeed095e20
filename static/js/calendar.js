// The calendar page's "Copy" button. Progressive enhancement: without JavaScript the address is still there to
// select and copy. A file of its own, as the Content Security Policy allows no inline script.
(function () {
  "use strict";
  var button = document.getElementById("copy-address");
  var status = document.getElementById("copy-status");
  if (!button || !navigator.clipboard) { return; }
  button.classList.remove("d-none");
  button.addEventListener("click", function () {
    var field = document.getElementById(button.dataset.copy);
    navigator.clipboard.writeText(field.value).then(function () {
      button.textContent = gettext("Copied");
      status.textContent = gettext("The address is copied.");
    }, function () {
      field.select();
      status.textContent = gettext("Copying did not work: the address is selected, copy it with your keyboard.");
    });
  });
})();
