// Package module holds what backendjs's application modules (counters,
// connections, messages, locations, account events, icons) share at run
// time: their parameters, the key formats of their tables, the geohash
// search (geo.go), the account event stream (events.go), uploads
// (upload.go) and the images of icons (icons.go). The modules' routes
// and row hooks are generated for the application's own tables
// (templates/modules.go.tmpl → generated/server/modules.go), over these;
// /account/* is served with the same Route.
package module

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/bkgen/bkgen/runtime/config"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/files"
	"github.com/bkgen/bkgen/runtime/pubsub"
)

// Params are the modules' parameters.
type Params struct {
	ConnectionTypes *config.Value[[]string]
	MaxRecipients   *config.Value[int]
	MaxDistance     *config.Value[int]
	MaxScan         *config.Value[int]
	SubInterval     *config.Value[time.Duration]
	SubTimeout      *config.Value[time.Duration]
	MaxIcons        *config.Value[int]
	ImageMaxAge     *config.Value[time.Duration]
}

// NewParams declares the parameters; types are the default connection
// types (those bk_counter has TYPE0 and TYPE1 counters for).
func NewParams(types []string) *Params {
	return &Params{
		ConnectionTypes: config.NewList("connection-types", types, "the connection types /connection/* accepts (lowercase letters, digits, _); TYPE0 and TYPE1 counters of bk_counter count them when they exist").Live(),
		MaxRecipients:   config.NewInt("message-max-recipients", 50, "most recipients of one /message/add").Live(),
		MaxDistance:     config.NewInt("location-max-distance", 50, "largest distance in km of a /location/get search").Live(),
		MaxScan:         config.NewInt("location-max-scan", 10000, "most rows one /location/get page reads; past it the search is refused (use a smaller distance)").Live(),
		SubInterval:     config.NewDuration("api-subscribe-interval", 3*time.Second, "a /account/subscribe long poll replies this long after the last event (backendjs's debounce; 0: at once)").Live(),
		SubTimeout:      config.NewDuration("api-subscribe-timeout", 10*time.Minute, "a /account/subscribe long poll replies [] after this; a stream ends").Live(),
		MaxIcons:        config.NewInt("icon-max-per-account", 1000, "most icons (bk_icon rows) one account keeps; a new one past it is refused").Live(),
		ImageMaxAge:     config.NewDuration("image-max-age", time.Hour, "how long browsers and proxies may keep a public /image/ reply (Cache-Control max-age); a changed icon has a new ETag").Live(),
	}
}

// Vars lists the parameters for app.App.Params.
func (p *Params) Vars() []config.Var {
	return []config.Var{p.ConnectionTypes, p.MaxRecipients, p.MaxDistance, p.MaxScan, p.SubInterval, p.SubTimeout, p.MaxIcons, p.ImageMaxAge}
}

var typeName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// ConnectionType checks a connection type against the allowed ones.
func (p *Params) ConnectionType(t string) error {
	if t == "" {
		return db.Invalid("connection", "type", "is required")
	}
	if typeName.MatchString(t) {
		for _, ok := range p.ConnectionTypes.Get() {
			if ok == t {
				return nil
			}
		}
	}
	return db.Invalid("connection", "type", "%q is not a connection type (-connection-types: %s)", t, strings.Join(p.ConnectionTypes.Get(), ", "))
}

// Ref is the second key part of a connection or reference: type and peer.
func Ref(typ, peer string) string { return typ + ":" + peer }

// MID is the second key part of a message: its time, zero-padded so that
// keys sort by time, and the other account (sender or recipient).
func MID(mtime int64, other string) string { return fmt.Sprintf("%016d:%s", mtime, other) }

// ParseMID splits a message key part; ok false when it is not one.
func ParseMID(mid string) (mtime int64, other string, ok bool) {
	t, other, ok := strings.Cut(mid, ":")
	if !ok || len(t) != 16 || other == "" {
		return 0, "", false
	}
	n, err := strconv.ParseInt(t, 10, 64)
	return n, other, err == nil && n >= 0
}

// Env is what the modules' hooks and routes work with, in every role.
type Env struct {
	Pool *db.Pool
	Bus  pubsub.Bus // nil: no account events (a job run from the shell)
	// Files keeps the images of icons (-files-store); nil: no storage,
	// and the icon routes answer 503.
	Files files.Store
	// MaxUpload bounds one upload (-files-max-size and -api-max-body).
	MaxUpload int64
}
