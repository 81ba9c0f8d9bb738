package web

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
)

// certFiles serves the certificate of a certificate and key file pair,
// read again when either file changes (a renewal needs no restart); a
// pair that does not load leaves the one in use, logged.
type certFiles struct {
	cert, key string
	mu        sync.Mutex
	cur       *tls.Certificate
	stamp     string // sizes and modification times the current pair was read at
}

func newCertFiles(cert, key string) (*certFiles, error) {
	c := &certFiles{cert: cert, key: key}
	if _, err := c.get(nil); err != nil {
		return nil, err
	}
	return c, nil
}

func fileStamp(paths ...string) string {
	s := ""
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil {
			s += fmt.Sprintf("%d-%d;", st.Size(), st.ModTime().UnixNano())
		}
	}
	return s
}

// get is tls.Config.GetCertificate: a stat of two files per handshake.
func (c *certFiles) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	stamp := fileStamp(c.cert, c.key)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur != nil && stamp == c.stamp {
		return c.cur, nil
	}
	pair, err := tls.LoadX509KeyPair(c.cert, c.key)
	if err != nil {
		if c.cur == nil {
			return nil, fmt.Errorf("-api-ssl-cert/-api-ssl-key: %w", err)
		}
		slog.Error("the new certificate does not load; the one in use stays", "cert", c.cert, "err", err)
		c.stamp = stamp // do not try again until the files change again
		return c.cur, nil
	}
	if c.cur != nil {
		slog.Info("certificate reloaded", "cert", c.cert)
	}
	c.cur, c.stamp = &pair, stamp
	return c.cur, nil
}

// listenTLS opens the HTTPS listener of c, or nil without -api-ssl-port.
func listenTLS(c Config) (net.Listener, error) {
	if c.SSLPort < 0 || c.SSLCert == "" && c.SSLKey == "" && c.SSLPort == 0 {
		return nil, nil
	}
	if c.SSLCert == "" || c.SSLKey == "" {
		return nil, fmt.Errorf("-api-ssl-port needs -api-ssl-cert and -api-ssl-key")
	}
	certs, err := newCertFiles(c.SSLCert, c.SSLKey)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(c.Bind, strconv.Itoa(c.SSLPort)))
	if err != nil {
		return nil, err
	}
	return tls.NewListener(ln, &tls.Config{
		MinVersion:     tls.VersionTLS12,
		GetCertificate: certs.get,
		NextProtos:     []string{"h2", "http/1.1"},
	}), nil
}

// secureHeaders adds HSTS to HTTPS replies and, with -api-redirect-ssl,
// sends plain HTTP requests to the HTTPS port instead.
func secureHeaders(c Config, sslAddr string, h http.Handler) http.Handler {
	_, sslPort, _ := net.SplitHostPort(sslAddr)
	hsts := ""
	if c.HSTS > 0 {
		hsts = fmt.Sprintf("max-age=%d; includeSubDomains", int(c.HSTS.Seconds()))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil {
			if hsts != "" {
				w.Header().Set("Strict-Transport-Security", hsts)
			}
			h.ServeHTTP(w, r)
			return
		}
		if c.RedirectSSL && r.URL.Path != "/ping" {
			host := r.Host
			if hn, _, err := net.SplitHostPort(host); err == nil {
				host = hn
			}
			if sslPort != "443" {
				host = net.JoinHostPort(host, sslPort)
			}
			http.Redirect(w, r, "https://"+host+r.URL.RequestURI(), http.StatusMovedPermanently)
			return
		}
		h.ServeHTTP(w, r)
	})
}
