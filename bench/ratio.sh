#!/usr/bin/env bash
# Reads `go test -bench` output (stdin or files) and prints, per benchmark,
# generated vs baseline: ops/s ratio and allocs ratio, from the medians.
awk '
/^Benchmark/ {
  name=$1; sub(/-[0-9]+$/, "", name)
  side = (name ~ /\/generated$/) ? "gen" : ((name ~ /\/baseline$/) ? "base" : "")
  if (side == "") next
  base=name; sub(/\/(generated|baseline)$/, "", base)
  for (i=2;i<=NF;i++) { if ($(i+1)=="ns/op") ns=$i; if ($(i+1)=="allocs/op") al=$i }
  k=base SUBSEP side; n[k]++; NS[k, n[k]]=ns; AL[k, n[k]]=al; names[base]=1
}
function median(arr, key, cnt,   v, i, j, t) {
  for (i=1;i<=cnt;i++) v[i]=arr[key, i]
  for (i=1;i<=cnt;i++) for (j=i+1;j<=cnt;j++) if (v[j]+0 < v[i]+0) { t=v[i]; v[i]=v[j]; v[j]=t }
  return v[int((cnt+1)/2)]
}
END {
  printf "%-22s %12s %12s %10s %8s %8s %8s\n", "benchmark", "gen ns/op", "base ns/op", "ops ratio", "gen al", "base al", "al ratio"
  for (b in names) {
    g=b SUBSEP "gen"; s=b SUBSEP "base"
    if (!(g in n) || !(s in n)) continue
    gn=median(NS, g, n[g]); sn=median(NS, s, n[s]); ga=median(AL, g, n[g]); sa=median(AL, s, n[s])
    printf "%-22s %12.0f %12.0f %9.2fx %8d %8d %7.2fx\n", b, gn, sn, sn/gn, ga, sa, (sa>0? ga/sa : 0)
  }
}' "$@" | sort
