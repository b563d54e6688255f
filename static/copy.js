// Copy buttons: a button with data-copy="ID" copies the text of field ID. Without script
// the button stays hidden and the read-only field can still be selected and copied by hand.
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  var field = document.getElementById(button.getAttribute("data-copy"));
  if (!field) {
    return;
  }
  var label = button.textContent;
  button.hidden = false;
  field.addEventListener("focus", function () {
    field.select();
  });
  button.addEventListener("click", function () {
    field.focus();
    field.select();
    var copied = function () {
      button.textContent = "已复制";
      setTimeout(function () {
        button.textContent = label;
      }, 2000);
    };
    var byHand = function () {
      button.textContent = document.execCommand("copy") ? "已复制" : "请按 Ctrl+C 复制";
      setTimeout(function () {
        button.textContent = label;
      }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(copied, byHand);
    } else {
      byHand();
    }
  });
});
