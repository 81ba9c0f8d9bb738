package main

import (
	"bufio"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// writeResident writes to file which pages of s's executable are in memory
// now (the file-backed part of its RSS), by the Go package whose symbols
// they hold: what -resident measures. Pages are read from /proc/PID/pagemap
// (present bit), symbols from the executable's ELF symbol table; a page's
// bytes go to the symbols it overlaps, the rest to its section.
func (s *server) writeResident(file string) {
	out, err := s.resident()
	if err != nil {
		fmt.Fprintln(os.Stderr, "load: resident:", err)
		return
	}
	check(os.WriteFile(file, []byte(out), 0o644))
}

func (s *server) resident() (string, error) {
	pid := s.cmd.Process.Pid
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	if err != nil {
		return "", err
	}
	f, err := elf.Open(exe)
	if err != nil {
		return "", err
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		return "", err
	}
	type span struct {
		start, end uint64
		owner      string
	}
	var spans []span
	for _, sym := range syms {
		if sym.Size > 0 && sym.Value > 0 {
			spans = append(spans, span{sym.Value, sym.Value + sym.Size, packageOf(sym.Name)})
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	section := func(addr uint64) string {
		for _, sec := range f.Sections {
			if sec.Addr <= addr && addr < sec.Addr+sec.Size {
				return "section " + sec.Name
			}
		}
		return "outside sections"
	}

	pages, err := residentPages(pid, exe)
	if err != nil {
		return "", err
	}
	const page = 4096
	by := map[string]uint64{}
	var total uint64
	for _, p := range pages {
		total += page
		covered := uint64(0)
		// the first span that ends after the page starts
		i := sort.Search(len(spans), func(i int) bool { return spans[i].end > p })
		for ; i < len(spans) && spans[i].start < p+page; i++ {
			lo, hi := spans[i].start, spans[i].end
			if lo < p {
				lo = p
			}
			if hi > p+page {
				hi = p + page
			}
			if hi > lo {
				by[spans[i].owner] += hi - lo
				covered += hi - lo
			}
		}
		if covered < page {
			by[section(p)] += page - covered
		}
	}
	names := make([]string, 0, len(by))
	for n := range by {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return by[names[i]] > by[names[j]] })
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d KB of the executable resident (%d pages)\n", filepath.Base(exe), total/1024, len(pages))
	for _, n := range names {
		fmt.Fprintf(&b, "%8d KB  %s\n", by[n]/1024, n)
	}
	return b.String(), nil
}

// residentPages are the addresses of the pages of exe mapped in pid that are
// in memory.
func residentPages(pid int, exe string) ([]uint64, error) {
	maps, err := os.Open(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		return nil, err
	}
	defer maps.Close()
	pm, err := os.Open(fmt.Sprintf("/proc/%d/pagemap", pid))
	if err != nil {
		return nil, err
	}
	defer pm.Close()
	var out []uint64
	sc := bufio.NewScanner(maps)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[5] != exe {
			continue
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		n := (end - start) / 4096
		buf := make([]byte, 8*n)
		if _, err := pm.ReadAt(buf, int64(start/4096*8)); err != nil {
			return nil, err
		}
		for i := uint64(0); i < n; i++ {
			if binary.LittleEndian.Uint64(buf[8*i:])&(1<<63) != 0 {
				out = append(out, start+i*4096)
			}
		}
	}
	return out, sc.Err()
}

// packageOf is the Go package of a symbol ("github.com/x/y.(*T).M" ->
// "github.com/x/y"); runtime-made symbols (type:, go:) keep their prefix.
func packageOf(name string) string {
	for _, prefix := range []string{"type:", "go:", "runtime.", "gclocals", "$f64", "$f32"} {
		if strings.HasPrefix(name, prefix) {
			return strings.TrimSuffix(prefix, ".")
		}
	}
	slash := strings.LastIndex(name, "/")
	dot := strings.Index(name[slash+1:], ".")
	if dot < 0 {
		return name
	}
	return name[:slash+1+dot]
}
