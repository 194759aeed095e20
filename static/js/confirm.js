// Asks before a form with data-confirm="Question?" is sent (removing a member, withdrawing a request).
// Replaces inline onsubmit handlers, which the Content Security Policy forbids.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
