// "Try it" on /doc: each operation's JSON body sent as a POST, signed in
// the page with backendjs v4 (HMAC-SHA256 and the SHA-1 body checksum, by
// WebCrypto) for the login and secret typed at the top; without them, the
// request goes with the session cookie, if any. The same canonical string
// as runtime/sign and the generated TypeScript client.
const enc = new TextEncoder();
const b64 = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)));

async function signature(login, secret, method, url, contentType, body) {
  const expires = Date.now() + 30000;
  const checksum = body ? b64(await crypto.subtle.digest("SHA-1", enc.encode(body))) : "";
  const query = url.search.replace(/^\?/, "").split("&").filter((p) => p && !p.startsWith("bk-signature")).sort().join("&");
  const lines = ["4", "", login, method, url.hostname.toLowerCase(), url.pathname, query, String(expires), contentType.toLowerCase(), checksum];
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const hmac = b64(await crypto.subtle.sign("HMAC", key, enc.encode(lines.join("\n") + "\n")));
  return `4||${login}|${hmac}|${expires}|${checksum}|`;
}

for (const d of document.querySelectorAll("details.try")) {
  const out = d.querySelector(".out");
  d.querySelector(".send").addEventListener("click", async () => {
    out.textContent = "…";
    const body = d.querySelector("textarea").value.trim() || "{}";
    try {
      JSON.parse(body);
    } catch (e) {
      out.textContent = `not JSON: ${e.message}`;
      return;
    }
    const url = new URL(d.dataset.path, location.origin);
    const headers = { "Content-Type": "application/json" };
    const login = document.getElementById("try-login").value.trim();
    const secret = document.getElementById("try-secret").value;
    if (login && secret) headers["bk-signature"] = await signature(login, secret, "POST", url, headers["Content-Type"], body);
    try {
      const res = await fetch(url, { method: "POST", headers, body, credentials: "same-origin" });
      const text = await res.text();
      let shown = text;
      try {
        shown = JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        // not JSON: as it came
      }
      out.textContent = `${res.status} ${res.statusText}\n${shown}`;
    } catch (e) {
      out.textContent = String(e);
    }
  });
}
