#!/usr/bin/env bash
# What N tables cost: generates N synthetic tables (8–16 columns of every
# kind, a third with composite keys, half with an owner, each with an index)
# into a temporary copy of this repository, then prints, for each N given
# (default 10 50), the generated Go lines, the time of `go generate ./...`,
# of a second one with nothing changed, the build time and peak memory of
# the application (its own packages: the dependencies are in the build
# cache), then what a user who adds a column to one table waits for: the
# `go generate` and the build after it (the first generate also compiles
# bkgen in the new copy); and the binary size: plain (go build), as `make
# release` links it (-s -w), and that without the AWS SDK and Redis (-tags
# bk_nodynamodb,bk_nos3,bk_noredis, which recompiles the generated packages:
# the slowest part of the run).
#
#   bash bench/scale.sh 10 50 300
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10 50)
kinds=('field.String("s%d").Optional()' 'field.Int64("i%d").Optional()' 'field.Int("n%d").Optional()'
	'field.Float("f%d").Optional()' 'field.Bool("b%d").Optional()' 'field.Time("t%d").Optional().Nillable()'
	'field.Bytes("y%d").Optional()' 'field.Strings("l%d").Optional()' 'field.String("p%d").Optional().Nillable()'
	'field.Int64("c%d").Annotations(bk.Counter())')

synth() { # synth N DIR: the schema files of N tables
	local n=$1 dir=$2 i j cols
	for ((i = 1; i <= n; i++)); do
		cols=$((8 + i % 9))
		{
			echo "package schema"
			echo
			echo 'import ('
			echo '	"entgo.io/ent"'
			echo '	"entgo.io/ent/schema/field"'
			echo
			echo '	"github.com/bkgen/bkgen/schema/bk"'
			echo ')'
			echo
			echo "type Synth$i struct{ ent.Schema }"
			echo
			echo "func (Synth$i) Fields() []ent.Field {"
			echo '	return []ent.Field{'
			if ((i % 3 == 0)); then
				echo '		field.String("part").Annotations(bk.Primary(1)),'
				echo '		field.String("id").Annotations(bk.Primary(2), bk.UUID()),'
			else
				echo '		field.String("id").Annotations(bk.Primary(), bk.UUID()),'
			fi
			if ((i % 2 == 0)); then
				echo '		field.String("owner_id").Optional().Annotations(bk.Owner()),'
			fi
			echo '		field.String("title").Optional().Annotations(bk.Pub(), bk.Index("by_title", 1)),'
			for ((j = 0; j < cols - 3; j++)); do
				printf "\t\t$(printf '%s' "${kinds[$((j % ${#kinds[@]}))]}")" "$j"
				echo ","
			done
			echo '	}'
			echo '}'
		} >"$dir/synth_$i.go"
	done
}

printf '| tables | generated Go lines | go generate | again, unchanged | build | build peak RSS | one column added: generate / build | binary: plain / -s -w / without AWS and Redis |\n|---|---|---|---|---|---|---|---|\n'
# the example schema's tables: one file each in generated/store, but for
# doc.go and store.go (their code is in the packages under it)
example=$(find "$root/generated/store" -maxdepth 1 -name '*.go' ! -name doc.go ! -name store.go | wc -l)
for n in "${sizes[@]}"; do
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	(cd "$root" && git ls-files -z | xargs -0 -I{} cp --parents {} "$tmp")
	synth "$n" "$tmp/schema"
	cd "$tmp"
	t0=$(date +%s.%N)
	go generate ./... >/dev/null
	t1=$(date +%s.%N)
	go generate ./... >/dev/null
	t2=$(date +%s.%N)
	/usr/bin/time -f '%e %M' -o "$tmp/build.time" go build -o "$tmp/bkapp" ./cmd/bkapp
	read -r bsecs bkb <"$tmp/build.time"
	sed -i 's/^\t}$/\t\tfield.String("added").Optional(),\n\t}/' schema/synth_1.go
	t3=$(date +%s.%N)
	go generate ./... >/dev/null
	t4=$(date +%s.%N)
	/usr/bin/time -f '%e %M' -o "$tmp/rebuild.time" go build -o "$tmp/bkapp" ./cmd/bkapp
	read -r rsecs _ <"$tmp/rebuild.time"
	go build -ldflags='-s -w' -o "$tmp/bkapp.s" ./cmd/bkapp
	go build -ldflags='-s -w' -tags bk_nodynamodb,bk_nos3,bk_noredis -o "$tmp/bkapp.min" ./cmd/bkapp
	lines=$(find generated -name '*.go' -print0 | xargs -0 cat | wc -l)
	size=$(stat -c %s "$tmp/bkapp")
	ssize=$(stat -c %s "$tmp/bkapp.s")
	msize=$(stat -c %s "$tmp/bkapp.min")
	total=$((n + example))
	printf '| %d (+%d) | %d (%d per table) | %.1f s | %.1f s | %s s | %d MiB | %.1f s / %s s | %d / %d / %d MiB |\n' "$n" "$example" "$lines" $((lines / total)) \
		"$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" "$bsecs" $((bkb / 1024)) "$(echo "$t4 - $t3" | bc)" "$rsecs" \
		$((size / 1048576)) $((ssize / 1048576)) $((msize / 1048576))
	cd "$root"
	rm -rf "$tmp"
done
