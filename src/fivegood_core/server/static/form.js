// The evidence form, checked as it is typed: the form is sent to the service, which reads it exactly as
// it reads a submitted form and answers with the engine's own messages by key. Without this script the
// same messages appear after submitting.
(function () {
  "use strict";
  var form = document.getElementById("evidence-form");
  if (!form) { return; }
  var status = document.getElementById("live-status");
  var timer = null;
  var sent = 0;

  function show(problems) {
    var spans = form.querySelectorAll(".field-problem");
    for (var i = 0; i < spans.length; i++) {
      var key = spans[i].getAttribute("data-for");
      var list = problems[key] || [];
      spans[i].textContent = list.join(" ");
      var field = spans[i].closest(".field");
      if (field) { field.classList.toggle("invalid", list.length > 0); }
    }
  }

  function check() {
    var mine = ++sent;
    var body = new URLSearchParams(new FormData(form));
    var lang = document.documentElement.lang.indexOf("zh") === 0 ? "zh" : "en";
    fetch("/standards/" + form.getAttribute("data-standard") + "/form/problems?lang=" + lang, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (r) { return r.json(); }).then(function (answer) {
      if (mine !== sent) { return; }  // an older answer arriving late
      show(answer.problems || {});
      status.textContent = answer.summary || "";
      status.className = "live v-" + (answer.verdict || "error");
    }).catch(function () { status.textContent = ""; });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  });
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 50);
  });
}());
