// Package bk holds the bkgen annotations that extend ent's schema API with
// backendjs column and table properties.
//
// Every helper returns the same Annotation type with one property set. The
// type implements ent's schema.Merger, so several annotations on one field or
// schema are combined instead of the last one silently winning:
//
//	field.String("name").Annotations(bk.Pub(), bk.Index("name", 1))
//
// Contradictions (Pub and Secure on one field, two different Primary
// positions, …) are recorded by Merge and reported by bkgen with the table and
// field name; nothing is checked here because annotations have no context.
package bk

import (
	"fmt"
	"sort"
	"time"

	"entgo.io/ent/schema"
)

// Name is the key under which entc/load stores bkgen annotations.
const Name = "bkgen"

// Annotation is the one bkgen annotation type, used on fields and schemas.
// Field-only and table-only properties are told apart by bkgen, which rejects
// a property in the wrong place.
type Annotation struct {
	// Field properties.
	Primary int            `json:"primary,omitempty"` // 1-based position in the primary key
	Pub     bool           `json:"pub,omitempty"`     // returned to every reader of the row
	Owner   bool           `json:"owner,omitempty"`   // holds the owning account id
	Secure  bool           `json:"secure,omitempty"`  // never returned by any API
	Admin   bool           `json:"admin,omitempty"`   // read and written by admins only
	Now     bool           `json:"now,omitempty"`     // set to the current time in ms on every write
	Counter bool           `json:"counter,omitempty"` // incremented by Incr, starts at 0
	UUID    bool           `json:"uuid,omitempty"`    // generated on add when empty
	Indexes map[string]int `json:"indexes,omitempty"` // index name -> position of the field in it

	// Table properties.
	Table    string `json:"table,omitempty"`     // SQL/DynamoDB table name
	CacheTTL int64  `json:"cache_ttl,omitempty"` // ms; reads go through the cache
	NoAPI    bool   `json:"no_api,omitempty"`    // store only, no REST/GraphQL
	// SkipPools lists the pools (sqlite, pgsql, dynamodb) the table does not
	// exist in, like backendjs's skip_pools.
	SkipPools []string `json:"skip_pools,omitempty"`
	// Pool names the pool that keeps the table (a named pool,
	// -db-DRIVER-pool-NAME); -db-table-TABLE wins over it.
	Pool string `json:"pool,omitempty"`

	// Job makes the schema a background job instead of a table: its fields
	// are the job's typed payload.
	Job *JobSpec `json:"job,omitempty"`

	// Conflicts lists contradictory declarations found while merging.
	Conflicts []string `json:"conflicts,omitempty"`
}

// Name implements schema.Annotation.
func (Annotation) Name() string { return Name }

// Merge implements schema.Merger: it combines two annotations, recording a
// conflict when both set a property to different values.
func (a Annotation) Merge(other schema.Annotation) schema.Annotation {
	var b Annotation
	switch o := other.(type) {
	case Annotation:
		b = o
	case *Annotation:
		if o == nil {
			return a
		}
		b = *o
	default:
		return a
	}
	out := a
	out.Conflicts = append(append([]string(nil), a.Conflicts...), b.Conflicts...)
	if b.Primary != 0 {
		if out.Primary != 0 && out.Primary != b.Primary {
			out.Conflicts = append(out.Conflicts, fmt.Sprintf("Primary(%d) and Primary(%d)", out.Primary, b.Primary))
		}
		out.Primary = b.Primary
	}
	out.Pub = out.Pub || b.Pub
	out.Owner = out.Owner || b.Owner
	out.Secure = out.Secure || b.Secure
	out.Admin = out.Admin || b.Admin
	out.Now = out.Now || b.Now
	out.Counter = out.Counter || b.Counter
	out.UUID = out.UUID || b.UUID
	if len(b.Indexes) > 0 {
		idx := make(map[string]int, len(out.Indexes)+len(b.Indexes))
		for k, v := range out.Indexes {
			idx[k] = v
		}
		names := make([]string, 0, len(b.Indexes))
		for k := range b.Indexes {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			v := b.Indexes[k]
			if old, ok := idx[k]; ok && old != v {
				out.Conflicts = append(out.Conflicts, fmt.Sprintf("Index(%q, %d) and Index(%q, %d)", k, old, k, v))
			}
			idx[k] = v
		}
		out.Indexes = idx
	}
	if b.Table != "" {
		if out.Table != "" && out.Table != b.Table {
			out.Conflicts = append(out.Conflicts, fmt.Sprintf("Table(%q) and Table(%q)", out.Table, b.Table))
		}
		out.Table = b.Table
	}
	if b.CacheTTL != 0 {
		out.CacheTTL = b.CacheTTL
	}
	out.NoAPI = out.NoAPI || b.NoAPI
	if b.Pool != "" {
		out.Pool = b.Pool
	}
	if b.Job != nil {
		if out.Job == nil {
			j := *b.Job
			out.Job = &j
		} else {
			j := out.Job.merge(*b.Job)
			out.Job = &j
		}
	}
	for _, p := range b.SkipPools {
		if !contains(out.SkipPools, p) {
			out.SkipPools = append(append([]string(nil), out.SkipPools...), p)
		}
	}
	return out
}

// Primary marks the field as part of the primary key. With no argument the
// field is the first key column; Primary(2) makes it the second, and so on.
func Primary(pos ...int) Annotation {
	p := 1
	if len(pos) > 0 {
		p = pos[0]
	}
	if p < 1 {
		return Annotation{Primary: p, Conflicts: []string{fmt.Sprintf("Primary(%d): positions start at 1", p)}}
	}
	return Annotation{Primary: p}
}

// Pub marks a public column, returned to every caller allowed to read the row.
func Pub() Annotation { return Annotation{Pub: true} }

// Owner marks the column holding the id of the account that owns the row: a
// field.String (Optional and Nillable allowed, a key part too), one per
// table. A caller that is not an admin has it set to its own id on add, put
// and incr, may update, incr and delete only its own rows, and alone sees
// the row's columns that are neither Pub nor keys (docs/api.md, column visibility).
func Owner() Annotation { return Annotation{Owner: true} }

// Secure marks a column that is never returned by any API (same as ent's
// Sensitive()).
func Secure() Annotation { return Annotation{Secure: true} }

// Admin marks a column read and written by admins only.
func Admin() Annotation { return Annotation{Admin: true} }

// Now marks an int64 column set to the current Unix time in milliseconds on
// every add, put, update and incr (backendjs type "now").
func Now() Annotation { return Annotation{Now: true} }

// Counter marks a numeric column changed by Incr; it starts at 0.
func Counter() Annotation { return Annotation{Counter: true} }

// UUID marks a string column filled with a random id (32 lowercase hex
// characters, backendjs format) on add when it is empty.
func UUID() Annotation { return Annotation{UUID: true} }

// Index puts the field in the named secondary index at position pos (1-based),
// like backendjs's index/index1 properties. Fields sharing a name form one
// composite index ordered by pos.
func Index(name string, pos int) Annotation {
	return Annotation{Indexes: map[string]int{name: pos}}
}

// Table overrides the table name (default: the schema name in snake_case).
func Table(name string) Annotation { return Annotation{Table: name} }

// Cache makes reads of the table go through the cache for ttl.
func Cache(ttl time.Duration) Annotation { return Annotation{CacheTTL: ttl.Milliseconds()} }

// Pool keeps the table in the named pool (-db-DRIVER-pool-NAME URL) instead
// of the default one; the server refuses to start when that pool is not
// configured. -db-table-TABLE POOL moves it without a rebuild.
func Pool(name string) Annotation { return Annotation{Pool: name} }

// NoAPI keeps the table out of REST and GraphQL: store access only.
func NoAPI() Annotation { return Annotation{NoAPI: true} }

// SkipPools keeps the table out of the named pools ("sqlite", "pgsql",
// "dynamodb"): its store there answers every call with db.ErrUnsupported.
// A table with three or more key columns needs SkipPools("dynamodb").
func SkipPools(pools ...string) Annotation { return Annotation{SkipPools: pools} }

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// JobSpec holds the job properties of a schema annotated with Job().
type JobSpec struct {
	Cron    string `json:"cron,omitempty"`    // schedule: "sec min hour dom mon dow" (seconds optional)
	Queue   string `json:"queue,omitempty"`   // queue name; default "default"
	Retries *int   `json:"retries,omitempty"` // retries after a failure; default 3
	Timeout int64  `json:"timeout,omitempty"` // ms a run may take; default 30 min
	Unique  int64  `json:"unique,omitempty"`  // ms during which an identical job is refused
}

func (j JobSpec) merge(o JobSpec) JobSpec {
	if o.Cron != "" {
		j.Cron = o.Cron
	}
	if o.Queue != "" {
		j.Queue = o.Queue
	}
	if o.Retries != nil {
		j.Retries = o.Retries
	}
	if o.Timeout != 0 {
		j.Timeout = o.Timeout
	}
	if o.Unique != 0 {
		j.Unique = o.Unique
	}
	return j
}

// Job makes the schema a background job rather than a table: bkgen
// generates its payload struct (the fields), Enqueue<Job> and a handler
// method to implement. Options chain:
//
//	bk.Job().Cron("0 */5 * * * *").Queue("low").Retries(5).Timeout(time.Minute)
func Job() Annotation { return Annotation{Job: &JobSpec{}} }

func (a Annotation) job() JobSpec {
	if a.Job == nil {
		return JobSpec{}
	}
	return *a.Job
}

func (a Annotation) withJob(j JobSpec) Annotation {
	if a.Job == nil {
		a.Conflicts = append(append([]string(nil), a.Conflicts...), "a job option without Job()")
	}
	a.Job = &j
	return a
}

// Cron schedules the job: backendjs's six fields "sec min hour dom mon
// dow" or the usual five (no seconds), or a descriptor such as @hourly.
// A fired job is enqueued once, whatever the number of schedulers.
func (a Annotation) Cron(spec string) Annotation {
	j := a.job()
	j.Cron = spec
	return a.withJob(j)
}

// Queue puts the job on a named queue (default "default").
func (a Annotation) Queue(name string) Annotation {
	j := a.job()
	j.Queue = name
	return a.withJob(j)
}

// Retries is how many times a failed run is retried, with backoff, before
// the job is kept as failed (default 3; 0: never retried).
func (a Annotation) Retries(n int) Annotation {
	j := a.job()
	j.Retries = &n
	return a.withJob(j)
}

// Timeout bounds one run (default 30 minutes); a run past it is cancelled
// and counts as a failure.
func (a Annotation) Timeout(d time.Duration) Annotation {
	j := a.job()
	j.Timeout = d.Milliseconds()
	return a.withJob(j)
}

// Unique refuses a job identical (same name and payload) to one enqueued
// less than ttl ago that has not finished.
func (a Annotation) Unique(ttl time.Duration) Annotation {
	j := a.job()
	j.Unique = ttl.Milliseconds()
	return a.withJob(j)
}
