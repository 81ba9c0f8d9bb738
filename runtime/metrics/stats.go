package metrics

import (
	"math"
	"net"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// samples keeps the recent values of a process gauge (RSS, heap, …).
type samples struct {
	vals [120]float64 // 10 minutes at one sample every 5 s
	n    int
}

func (s *samples) add(v float64) {
	s.vals[s.n%len(s.vals)] = v
	s.n++
}

func (s *samples) list() []float64 {
	return append([]float64(nil), s.vals[:min(s.n, len(s.vals))]...)
}

// RSS returns the resident set size of the process in bytes (Linux), or
// the memory the Go runtime got from the OS elsewhere.
func RSS() float64 {
	if b, err := os.ReadFile("/proc/self/statm"); err == nil {
		f := strings.Fields(string(b))
		if len(f) > 1 {
			if pages, err := strconv.ParseFloat(f[1], 64); err == nil {
				return pages * float64(os.Getpagesize())
			}
		}
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.Sys)
}

func (r *Registry) sample() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	var load float64
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) > 2 {
			load, _ = strconv.ParseFloat(f[2], 64)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for name, v := range map[string]float64{"rss": RSS(), "heap": float64(m.HeapAlloc), "avg": load, "goroutines": float64(runtime.NumGoroutine())} {
		s := r.samples[name]
		if s == nil {
			s = &samples{}
			r.samples[name] = s
		}
		s.add(v)
	}
}

// summary adds backendjs's histogram suffixes for vals (any unit) under prefix.
func summary(out map[string]any, prefix string, vals []float64) {
	if len(vals) == 0 {
		return
	}
	v := append([]float64(nil), vals...)
	sort.Float64s(v)
	var sum float64
	for _, x := range v {
		sum += x
	}
	n := float64(len(v))
	mean := sum / n
	var sq float64
	for _, x := range v {
		sq += (x - mean) * (x - mean)
	}
	variance := 0.0
	if len(v) > 1 {
		variance = sq / (n - 1)
	}
	q := func(p float64) float64 { return v[max(0, min(len(v)-1, int(math.Ceil(p*n))-1))] }
	out[prefix+"_hmin"] = v[0]
	out[prefix+"_hmax"] = v[len(v)-1]
	out[prefix+"_hsum"] = sum
	out[prefix+"_hcnt"] = len(v)
	out[prefix+"_hmean"] = mean
	out[prefix+"_hvar"] = variance
	out[prefix+"_hdev"] = math.Sqrt(variance)
	out[prefix+"_hmed"] = q(0.5)
	out[prefix+"_h75p"] = q(0.75)
	out[prefix+"_h95p"] = q(0.95)
	out[prefix+"_h99p"] = q(0.99)
	out[prefix+"_h999p"] = q(0.999)
}

// timerStats adds a timer's meter and histogram keys under prefix
// (backendjs: rate, rcount, rmean, r1m, r5m, r15m, and the h* suffixes in ms).
func timerStats(out map[string]any, prefix string, t *Timer, since time.Time) {
	s := t.Snapshot()
	out[prefix+"_rcount"] = s.Count
	out[prefix+"_rmean"] = float64(s.Count) / math.Max(time.Since(since).Seconds(), 1)
	out[prefix+"_rate"] = s.R1
	out[prefix+"_r1m"] = s.R1
	out[prefix+"_r5m"] = s.R5
	out[prefix+"_r15m"] = s.R15
	summary(out, prefix, s.Recent)
}

// Info identifies the process in /system/stats/get.
type Info struct {
	App      string // name/version
	Role     string // web, worker, master, …
	Instance string
	Worker   int
	Latency  func() time.Duration // the busy check's current latency
	Pool     string
	Extra    func(out map[string]any) // cache_*, pool_hits, jobs_* …
}

// Stats returns /system/stats/get: one flat object, backendjs's keys.
func (r *Registry) Stats(info Info) map[string]any {
	out := map[string]any{}
	host, _ := os.Hostname()
	ip := localIP()
	pid := os.Getpid()
	out["id"] = ip + "-" + strconv.Itoa(pid)
	out["ip"] = ip
	out["host"] = host
	out["pid"] = pid
	out["type"] = info.Role
	out["instance"] = info.Instance
	out["worker"] = info.Worker
	out["app"] = info.App
	out["ctime"] = r.Start.UnixMilli()
	out["mtime"] = time.Now().UnixMilli()
	out["cpus"] = runtime.NumCPU()
	out["mem"] = totalMem()
	if info.Latency != nil {
		out["latency"] = info.Latency().Milliseconds()
	}
	r.mu.RLock()
	for name, s := range r.samples {
		summary(out, name, s.list())
	}
	r.mu.RUnlock()
	timerStats(out, "api_req", &r.api, r.Start)
	out["api_nreq"] = r.api.Count()
	out["api_req_0"] = r.api.Count()
	out["api_err_0"] = r.api.errors.Load()
	r.mu.RLock()
	routes := make(map[string]*Timer, len(r.routes))
	for k, v := range r.routes {
		routes[k] = v
	}
	pools := make(map[[2]string]*Timer, len(r.pools))
	for k, v := range r.pools {
		pools[k] = v
	}
	var bad int64
	for k, c := range r.status {
		n := c.Load()
		code, _ := strconv.Atoi(k[1])
		out["api_"+k[1]+"_0"] = toInt(out["api_"+k[1]+"_0"]) + n
		if code >= 400 && code < 500 {
			bad += n
			out[k[0]+"_bad_0"] = toInt(out[k[0]+"_bad_0"]) + n
		}
		if code >= 500 {
			out[k[0]+"_err_0"] = toInt(out[k[0]+"_err_0"]) + n
		}
	}
	for k, c := range r.counters {
		out[k+"_0"] = c.Load()
	}
	r.mu.RUnlock()
	out["api_bad_0"] = bad
	for name, t := range routes {
		timerStats(out, name, t, r.Start)
		out[name+"_0"] = t.Count()
	}
	var poolAll Timer
	var poolCount, poolErr int64
	for k, t := range pools {
		s := t.Snapshot()
		poolCount += s.Count
		poolErr += s.Errors
		timerStats(out, "pool_"+k[1], t, r.Start)
		for _, v := range s.Recent {
			poolAll.Observe(time.Duration(v*1e6), false)
		}
	}
	if info.Pool != "" {
		out["pool_name"] = info.Pool
	}
	out["pool_count"] = poolCount
	out["pool_req_0"] = poolCount
	out["pool_err_0"] = poolErr
	summary(out, "pool_req", poolAll.Snapshot().Recent)
	if info.Extra != nil {
		info.Extra(out)
	}
	return out
}

func toInt(v any) int64 {
	n, _ := v.(int64)
	return n
}

func localIP() string {
	addrs, err := net.InterfaceAddrs()
	if err == nil {
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
				return n.IP.String()
			}
		}
	}
	return "127.0.0.1"
}

func totalMem() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			f := strings.Fields(v)
			if len(f) > 0 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}
