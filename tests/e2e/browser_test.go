package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bkgen/bkgen/runtime/sign"
	"github.com/coder/websocket"
)

// page is the browser client of TestBrowserCORS, served from HOME/web: its
// own JavaScript signs a JSON POST (backendjs v4, WebCrypto) and sends it
// to the API on another origin, then shows the reply.
const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>bk client</title><script src="/js/sign.js"></script></head>
<body><pre id="result">pending</pre>
<script>
(async () => {
  const p = new URLSearchParams(location.search);
  const api = p.get("api"), body = JSON.stringify({name: "from the browser"});
  try {
    const sig = await sign(p.get("login"), p.get("secret"), "POST", new URL(api).hostname, "/todo/add", "", "application/json", body);
    const res = await fetch(api + "/todo/add", {method: "POST", body, headers: {"content-type": "application/json", "bk-signature": sig}});
    document.getElementById("result").textContent = res.status + " " + await res.text();
  } catch (e) {
    document.getElementById("result").textContent = "error " + e;
  }
})();
</script></body></html>`

const signJS = `// backendjs version 4 signatures with WebCrypto.
async function sign(login, secret, method, host, path, query, ctype, body) {
  const enc = new TextEncoder(), b64 = buf => btoa(String.fromCharCode(...new Uint8Array(buf)));
  const checksum = body ? b64(await crypto.subtle.digest("SHA-1", enc.encode(body))) : "";
  const q = query.split("&").filter(s => s && !s.startsWith("bk-signature")).sort().join("&");
  const expires = Date.now() + 30000;
  const text = ["4", "", login, method, host.toLowerCase(), path, q, String(expires), ctype.toLowerCase(), checksum].join("\n") + "\n";
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), {name: "HMAC", hash: "SHA-256"}, false, ["sign"]);
  const hmac = b64(await crypto.subtle.sign("HMAC", key, enc.encode(text)));
  return ["4", "", login, hmac, String(expires), checksum, ""].join("|");
}
`

// TestBrowserCORS: a page served from HOME/web, loaded in headless
// Chromium from one origin, calls the API on another origin with a
// request its own JavaScript signed: the preflight passes for the allowed
// origin and the write is made.
func TestBrowserCORS(t *testing.T) {
	browser := chromium(t)
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, "web", "js"), 0o755)
	os.WriteFile(filepath.Join(home, "web", "index.html"), []byte(page), 0o644)
	os.WriteFile(filepath.Join(home, "web", "js", "sign.js"), []byte(signJS), 0o644)
	port := freePort(t)
	pageOrigin := fmt.Sprintf("http://localhost:%d", port)
	s := start(t, "-home", home, "-api-port", fmt.Sprint(port), "-api-cors-origin", pageOrigin)
	shell(t, []string{"-home", home}, "account-add", "-login", "browser", "-secret", "browser-secret")
	apiOrigin := fmt.Sprintf("http://127.0.0.1:%d", port) // the same server, another origin
	url := pageOrigin + "/?api=" + apiOrigin + "&login=browser&secret=browser-secret"
	out := dumpDOM(t, browser, url, 5*time.Second)
	if !strings.Contains(out, `200 {`) || !strings.Contains(out, `"name":"from the browser"`) {
		t.Fatalf("the page's signed cross-origin request did not succeed:\n%s\n%s", out, s.logs())
	}
	if r := s.get("/todo/select", q("name", "from the browser")); r.num("count") != 1 {
		t.Fatalf("the row is not there: %s", r.raw)
	}
	// a preflight from an origin not listed is refused in our words
	req, _ := http.NewRequest(http.MethodOptions, s.base+"/todo/add", nil)
	req.Header.Set("Origin", "http://evil.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	if r := (&server{t: t}).do(req); r.status != 403 || r.str("code") != "CORS" {
		t.Fatalf("preflight from another origin: %d %s", r.status, r.raw)
	}
	// the files: validators, no listing, no dot files
	res, err := http.Get(s.base + "/js/sign.js")
	if err != nil || res.StatusCode != 200 || res.Header.Get("ETag") == "" || !strings.Contains(res.Header.Get("Content-Type"), "javascript") {
		t.Fatalf("sign.js: %v %v", err, res)
	}
	res.Body.Close()
	req, _ = http.NewRequest(http.MethodGet, s.base+"/js/sign.js", nil)
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 304 {
		t.Fatalf("If-None-Match: %v %v", err, res)
	}
	// only the public files (backendjs's asset list) go unsigned: another
	// file needs a signature, and a route ending in .js is still a route
	os.WriteFile(filepath.Join(home, "web", "data.json"), []byte(`{"private":true}`), 0o644)
	anon := &server{t: t, base: s.base}
	if r := anon.get("/data.json", nil); r.status != 417 {
		t.Errorf("unsigned /data.json: %d %s", r.status, r.raw)
	}
	if r := s.get("/data.json", nil); r.status != 200 || r.body["private"] != true {
		t.Errorf("signed /data.json: %d %s", r.status, r.raw)
	}
	if r := anon.get("/data/columns/todo.js", nil); r.status != 417 {
		t.Errorf("a route ending in .js went unsigned: %d %s", r.status, r.raw)
	}
	for _, p := range []string{"/js/", "/.env"} {
		if r := (&server{t: t, base: s.base}).get(p, nil); r.status != 404 && r.status != 417 {
			t.Errorf("%s: %d %s", p, r.status, r.raw)
		}
	}
}

// wsFrame sends one frame and reads the next.
func wsFrame(t *testing.T, ctx context.Context, c *websocket.Conn, frame string) map[string]any {
	t.Helper()
	if err := c.Write(ctx, websocket.MessageText, []byte(frame)); err != nil {
		t.Fatal(err)
	}
	return wsRead(t, ctx, c)
}

func wsRead(t *testing.T, ctx context.Context, c *websocket.Conn) map[string]any {
	t.Helper()
	_, b, err := c.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("frame is not JSON: %s", b)
	}
	return m
}

// TestWebSocketREST: signed requests as text frames get the replies HTTP
// gives, through the same checks; subscriptions push writes as each
// subscriber may see them.
func TestWebSocketREST(t *testing.T) {
	t.Parallel()
	_, dan, eve, _ := hostileSetup(t, "sqlite")
	host := strings.TrimPrefix(dan.base, "http://")
	signer := func(login, secret string) func(string) string {
		tr := &sign.Transport{Login: login, Secret: secret}
		return func(uri string) string {
			u, err := tr.SignURL(host, uri)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
	}
	danSign, eveSign := signer("dan", "dans-secret"), signer("eve", "eves-secret")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dial := func() *websocket.Conn {
		c, _, err := websocket.Dial(ctx, "ws://"+host+"/ws", nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.CloseNow() })
		return c
	}
	dc, ec := dial(), dial()
	if m := wsFrame(t, ctx, dc, danSign("/todo/add?name=over%20ws")); m["name"] != "over ws" || m["id"] == "" {
		t.Fatalf("signed add: %v", m)
	}
	if m := wsFrame(t, ctx, dc, "/todo/select"); m["status"] != float64(417) {
		t.Fatalf("unsigned frame: %v", m)
	}
	if m := wsFrame(t, ctx, dc, danSign("/todo/select?name=over%20ws")); m["count"] != float64(1) {
		t.Fatalf("signed select: %v", m)
	}
	if m := wsFrame(t, ctx, dc, "not a url"); m["status"] != float64(400) {
		t.Fatalf("bad frame: %v", m)
	}
	// pushes: each subscriber sees the row as a get would show it
	if m := wsFrame(t, ctx, dc, danSign("/ws/subscribe?table=photo")); m["subscribed"] != "photo" {
		t.Fatalf("subscribe: %v", m)
	}
	if m := wsFrame(t, ctx, ec, eveSign("/ws/subscribe?table=photo")); m["subscribed"] != "photo" {
		t.Fatalf("subscribe: %v", m)
	}
	want(t, dan.postJSON("/photo/add", map[string]any{"album_id": "ws", "id": "p1", "name": "n", "caption": "only dan"}), 200)
	mine, theirs := wsRead(t, ctx, dc), wsRead(t, ctx, ec)
	row, _ := mine["row"].(map[string]any)
	if mine["table"] != "photo" || mine["op"] != "add" || row["caption"] != "only dan" {
		t.Fatalf("dan's push: %v", mine)
	}
	if row, _ := theirs["row"].(map[string]any); row["name"] != "n" || row["caption"] != nil {
		t.Fatalf("eve's push shows what she may not read: %v", theirs)
	}
	if m := wsFrame(t, ctx, ec, "/ws/subscribe?table=photo"); m["status"] != float64(417) {
		t.Fatalf("unsigned subscribe: %v", m)
	}
	if m := wsFrame(t, ctx, ec, eveSign("/ws/subscribe?table=nosuch")); m["status"] != float64(400) {
		t.Fatalf("subscribe to no table: %v", m)
	}
	if r := eve.get("/ws/subscribe", q("table", "photo")); r.status != 400 {
		t.Fatalf("/ws/subscribe over HTTP: %d %s", r.status, r.raw)
	}
}

// selfSigned writes a certificate for 127.0.0.1 with the given name and its key.
func selfSigned(t *testing.T, dir, name string) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	// the key first: the server reads the pair when the certificate changes
	os.WriteFile(keyFile+".new", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	os.WriteFile(certFile+".new", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.Rename(keyFile+".new", keyFile)
	os.Rename(certFile+".new", certFile)
	cert, _ = x509.ParseCertificate(der)
	return certFile, keyFile, cert
}

var listeningTLS = regexp.MustCompile(`msg="listening https" addr=(\S+)`)

// TestHTTPS: the API over TLS with a certificate the test made, HSTS on
// its replies, the redirect from plain HTTP, secure session cookies, and a
// renewed certificate taken without a restart.
func TestHTTPS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	certFile, keyFile, cert := selfSigned(t, dir, "first")
	home := t.TempDir()
	s := start(t, "-home", home, "-api-ssl-port", "0", "-api-ssl-cert", certFile, "-api-ssl-key", keyFile, "-api-hsts", "24h", "-api-redirect-ssl")
	m := listeningTLS.FindStringSubmatch(s.logs())
	if m == nil {
		t.Fatalf("no https listener in the log:\n%s", s.logs())
	}
	tlsAddr := m[1]
	client := func(c *x509.Certificate) *http.Client {
		pool := x509.NewCertPool()
		pool.AddCert(c)
		return &http.Client{
			Transport:     &sign.Transport{Login: adminLogin, Secret: adminSecret, Base: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	res, err := client(cert).Get("https://" + tlsAddr + "/todo/add?name=tls")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Strict-Transport-Security") != "max-age=86400; includeSubDomains" {
		t.Fatalf("https: %d %v", res.StatusCode, res.Header)
	}
	// plain HTTP is sent to HTTPS (but /ping, for load balancers)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err = noRedirect.Get(s.base + "/todo/select?name=tls")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	_, tlsPort, _ := net.SplitHostPort(tlsAddr)
	if res.StatusCode != 301 || res.Header.Get("Location") != "https://127.0.0.1:"+tlsPort+"/todo/select?name=tls" {
		t.Fatalf("redirect: %d %v", res.StatusCode, res.Header)
	}
	if res, err = noRedirect.Get(s.base + "/ping"); err != nil || res.StatusCode != 200 {
		t.Fatalf("/ping over HTTP: %v %v", err, res)
	}
	// a session cookie over TLS is Secure
	shell(t, []string{"-home", home}, "account-add", "-login", "tls-user", "-secret", "tls-secret")
	res, err = (&http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: func() *x509.CertPool { p := x509.NewCertPool(); p.AddCert(cert); return p }()}}}).
		PostForm("https://"+tlsAddr+"/login", map[string][]string{"login": {"tls-user"}, "secret": {"tls-secret"}, "_session": {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if c := res.Header.Get("Set-Cookie"); res.StatusCode != 200 || !strings.Contains(c, "Secure") || !strings.Contains(c, "HttpOnly") {
		t.Fatalf("login over TLS: %d %q", res.StatusCode, c)
	}
	// a renewed certificate is used by the next connection
	_, _, renewed := selfSigned(t, dir, "second")
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: func() *x509.CertPool { p := x509.NewCertPool(); p.AddCert(renewed); return p }()}}
	res, err = (&http.Client{Transport: tr}).Get("https://" + tlsAddr + "/ping")
	if err != nil {
		t.Fatalf("the renewed certificate is not served: %v", err)
	}
	res.Body.Close()
	if got := res.TLS.PeerCertificates[0].Subject.CommonName; got != "second" {
		t.Fatalf("served certificate %q, want the renewed one", got)
	}
}
