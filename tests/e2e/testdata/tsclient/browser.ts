// The suite in a page served by the app: /tsclient/page.html#LOGIN,SECRET,TAG
import { run } from "./suite.js";

const out = document.getElementById("result");
const [login = "", secret = "", tag = ""] = decodeURIComponent(location.hash.slice(1)).split(",");
const lines: string[] = [];
run({ base: location.origin, login, secret, tag, rows: 250 }, (s) => lines.push(s)).then(
  () => { if (out) out.textContent = `PASS ${lines.join("; ")}`; },
  (e: unknown) => { if (out) out.textContent = `FAIL: ${String(e)} after ${lines.join("; ")}`; },
);
