// Follows a task's progress: an element with data-progress-url="…" holds a Bootstrap progress bar; its status
// JSON ({percent, done, total, finished, url}) is polled every second, and once finished the page reloads to show
// the result. Without JavaScript the page's "Refresh" link does the same by hand.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box) {
    return;
  }
  var bar = box.querySelector(".progress-bar");
  var meter = box.querySelector("[role=progressbar]");
  var text = box.querySelector("[data-progress-text]");
  function show(state) {
    bar.style.width = state.percent + "%";
    meter.setAttribute("aria-valuenow", String(state.percent));
    bar.textContent = state.percent + "%";
    if (text) {
      text.textContent = interpolate(
        ngettext("%(done)s of %(total)s row checked", "%(done)s of %(total)s rows checked", state.total),
        { done: state.done, total: state.total },
        true
      );
    }
  }
  function poll() {
    fetch(box.getAttribute("data-progress-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (state.finished) {
          window.setTimeout(function () {
            window.location.assign(state.url);
          }, 400);
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }
  poll();
})();
