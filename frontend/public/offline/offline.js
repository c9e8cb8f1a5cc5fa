// The offline page's one script (a file: the Content-Security-Policy runs
// no inline script). The language chosen in Relais (its cookie), else the
// browser's; "Try again" reloads.
var m = document.cookie.match(/(?:^|; )i18n_pref_locale=([a-z]+)/);
var lang = m ? m[1] : (navigator.language || "en").slice(0, 2);
document.documentElement.lang = lang === "fr" ? "fr" : "en";
document.getElementById("again").addEventListener("click", function () {
  location.reload();
});
