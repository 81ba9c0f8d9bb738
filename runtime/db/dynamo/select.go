package dynamo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bkgen/bkgen/runtime/db"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// dynPlan is how one Select runs on DynamoDB.
type dynPlan struct {
	index   *dynIndex // nil: the table
	scan    bool
	keyCond string
	filter  string
	local   []db.Cond // conditions on the queried key attributes beyond the key condition: DynamoDB refuses them in a filter, so they are checked here
	none    bool      // no row can match
	order   []int     // columns of the page token: the read's keys, then the table's
}

// eqValue returns the value of an eq condition on column col, if any.
func (s *dynTable) eqValue(conds []db.Cond, col int) (any, bool) {
	for _, c := range conds {
		if (c.Op == db.OpEq || c.Op == "") && len(c.Values) == 1 && s.t.Col(c.Col) == col {
			_, vals, err := s.t.Cond(c)
			if err == nil {
				return vals[0], true
			}
		}
	}
	return nil, false
}

func rangeOp(op db.Op) bool {
	switch op {
	case db.OpEq, "", db.OpLt, db.OpLe, db.OpGt, db.OpGe, db.OpBetween, db.OpBeginsWith:
		return true
	}
	return false
}

func (s *dynTable) plan(e *dexpr, conds []db.Cond, sc int, desc bool) (*dynPlan, error) {
	for _, c := range conds { // validate every condition first: one error for everyone
		if _, _, err := s.t.Cond(c); err != nil {
			return nil, err
		}
	}
	p := &dynPlan{}
	hash, rng := s.hash, s.rng
	if v, ok := s.eqValue(conds, s.hash); ok {
		if sc >= 0 && sc != s.hash && sc != s.rng {
			for i := range s.indexes {
				if ix := &s.indexes[i]; ix.local && ix.rng == sc && ix.indexError == "" {
					p.index, rng = ix, ix.rng
				}
			}
			if p.index == nil {
				return nil, db.Unsupportedf("%s: DynamoDB sorts only by the range key (%s) or a local index; no index has %s as its range key", s.t.Name, s.colName(s.rng), s.t.Columns[sc].Name)
			}
		}
		if v == "" {
			p.none = true // keys are never empty
		}
	} else {
		for i := range s.indexes {
			ix := &s.indexes[i]
			if ix.local || ix.indexError != "" {
				continue
			}
			if v, ok := s.eqValue(conds, ix.hash); ok && v != "" && (sc < 0 || sc == ix.hash || sc == ix.rng) {
				p.index, hash, rng = ix, ix.hash, ix.rng
				break
			}
		}
		if p.index == nil {
			if !s.cn.scan {
				return nil, db.Unsupportedf("%s: DynamoDB needs an eq condition on the hash key %s or on an index's hash key; full scans are off (-db-dynamodb-scan)", s.t.Name, s.t.Columns[s.hash].Name)
			}
			if sc >= 0 || desc {
				return nil, db.Unsupportedf("%s: a DynamoDB scan returns rows in no order; sort and desc need an eq condition on the hash key %s", s.t.Name, s.t.Columns[s.hash].Name)
			}
			p.scan = true
		}
	}
	// Key condition: hash eq, plus the first range condition DynamoDB takes.
	var rest []db.Cond
	usedHash, usedRange := false, false
	var kc []string
	for _, c := range conds {
		col := s.t.Col(c.Col)
		_, vals, _ := s.t.Cond(c)
		switch {
		case p.scan:
		case col == hash && !usedHash && (c.Op == db.OpEq || c.Op == "") && vals[0] != "":
			usedHash = true
			a, err := s.av(col, vals[0])
			if err != nil {
				return nil, err
			}
			kc = append(kc, e.name(col)+" = "+e.value(a))
			continue
		case col == rng && rng >= 0 && !usedRange && rangeOp(c.Op) && !hasEmpty(vals):
			usedRange = true
			x, _, err := s.condExpr(e, c)
			if err != nil {
				return nil, err
			}
			kc = append(kc, x)
			continue
		case col == hash || col == rng:
			p.local = append(p.local, c)
			continue
		}
		rest = append(rest, c)
	}
	p.keyCond = strings.Join(kc, " AND ")
	filter, none, err := s.filter(e, rest)
	if err != nil {
		return nil, err
	}
	p.filter, p.none = filter, p.none || none
	for _, c := range []int{hash, rng, s.hash, s.rng} {
		if c >= 0 && !containsInt(p.order, c) {
			p.order = append(p.order, c)
		}
	}
	return p, nil
}

func hasEmpty(vals []any) bool {
	for _, v := range vals {
		if v == "" {
			return true
		}
	}
	return false
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func (s *dynTable) colName(c int) string {
	if c < 0 {
		return "none"
	}
	return s.t.Columns[c].Name
}

func (p *dynPlan) scope(table string, q *db.Query) string {
	idx := ""
	if p.index != nil {
		idx = p.index.name
	}
	dir := "asc"
	if q.Desc {
		dir = "desc"
	}
	return table + "|" + idx + "|" + q.Sort + "|" + dir
}

// pages runs the plan, calling each for every item until it returns false.
func (s *dynTable) pages(ctx context.Context, e *dexpr, p *dynPlan, q *db.Query, proj *string, start map[string]types.AttributeValue, limit int32, each func(map[string]types.AttributeValue) bool) error {
	var idx *string
	if p.index != nil {
		idx = &p.index.name
	}
	for {
		var items []map[string]types.AttributeValue
		var last map[string]types.AttributeValue
		if p.scan {
			out, err := s.c.Scan(ctx, &dynamodb.ScanInput{
				TableName: &s.table, ConsistentRead: aws.Bool(s.cn.consistent), ExclusiveStartKey: start, Limit: aws.Int32(limit),
				FilterExpression: nonEmpty(p.filter), ProjectionExpression: proj,
				ExpressionAttributeNames: e.namesOrNil(), ExpressionAttributeValues: e.valuesOrNil(),
			})
			if err != nil {
				return s.wrap("select", err)
			}
			items, last = out.Items, out.LastEvaluatedKey
		} else {
			out, err := s.c.Query(ctx, &dynamodb.QueryInput{
				TableName: &s.table, IndexName: idx, ConsistentRead: aws.Bool(s.cn.consistent && (p.index == nil || p.index.local)),
				ExclusiveStartKey: start, Limit: aws.Int32(limit), ScanIndexForward: aws.Bool(!q.Desc),
				KeyConditionExpression: &p.keyCond, FilterExpression: nonEmpty(p.filter), ProjectionExpression: proj,
				ExpressionAttributeNames: e.namesOrNil(), ExpressionAttributeValues: e.valuesOrNil(),
			})
			if err != nil {
				return s.wrap("select", err)
			}
			items, last = out.Items, out.LastEvaluatedKey
		}
		for _, it := range items {
			if len(p.local) > 0 && !s.matchLocal(p.local, it) {
				continue
			}
			if !each(it) {
				return nil
			}
		}
		if last == nil {
			return nil
		}
		start = last
	}
}

func (s *dynTable) projection(e *dexpr, cols []int) *string {
	if len(cols) == len(s.t.Columns) {
		return nil
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = e.name(c)
	}
	return aws.String(strings.Join(names, ", "))
}

func (s *dynStore[R]) Select(ctx context.Context, q *db.Query) (*db.Page[R], error) {
	if err := s.tab.check(); err != nil {
		return nil, err
	}
	count, err := db.PageCount(s.tab.t.Name, q)
	if err != nil {
		return nil, err
	}
	page := &db.Page[R]{}
	if !q.Total {
		page.Rows = make([]R, 0, min(count, 64))
	}
	page.Total, page.Next, err = s.tab.sel(ctx, q, count, func(vals []any) error {
		return db.AppendRow(s.rt, &page.Rows, vals, nil)
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// sel runs q, whose page size is count (Select checked both): it gives the
// canonical values of each row of the page to add (a buffer used again for
// the next row), and returns the page's next token, or with q.Total the
// number of rows.
func (s *dynTable) sel(ctx context.Context, q *db.Query, count int, add func(vals []any) error) (total int64, next string, err error) {
	sc, err := s.t.SortCol(q)
	if err != nil {
		return 0, "", err
	}
	e := s.newExpr()
	p, err := s.plan(e, q.Where, sc, q.Desc)
	if err != nil {
		return 0, "", err
	}
	scope := p.scope(s.t.Name, q)
	var start map[string]types.AttributeValue
	if q.Token != "" {
		ocols := make([]*db.Column, len(p.order))
		for i, c := range p.order {
			ocols[i] = &s.t.Columns[c]
		}
		vals, err := s.p.DecodeToken(scope, q.Token, ocols)
		if err != nil {
			return 0, "", err
		}
		start = make(map[string]types.AttributeValue, len(vals))
		for i, c := range p.order {
			a, err := s.av(c, vals[i])
			if err != nil {
				return 0, "", db.ErrBadToken
			}
			if a != nil {
				start[s.t.Columns[c].Name] = a
			}
		}
	}
	if p.none {
		return 0, "", nil
	}
	if q.Total {
		var n int64
		var err error
		if len(p.local) > 0 { // count what passes the local check
			err = s.pages(ctx, e, p, q, s.projection(e, p.order), nil, 1000, func(map[string]types.AttributeValue) bool { n++; return true })
		} else {
			err = s.countAll(ctx, e, p, q, &n)
		}
		return n, "", err
	}
	cols, err := s.t.ReadSet(q.Select, p.order)
	if err != nil {
		return 0, "", err
	}
	vals := make([]any, len(s.t.Columns))
	var last []any // the order values of the page's last row
	n := 0
	var derr error
	err = s.pages(ctx, e, p, q, s.projection(e, cols), start, int32(count+1), func(it map[string]types.AttributeValue) bool {
		if n == count { // one more row than the page: there is a next page
			n++
			return false
		}
		if derr = s.values(it, vals); derr != nil {
			return false
		}
		if derr = add(vals); derr != nil {
			return false
		}
		if n++; n == count {
			last = make([]any, len(p.order))
			for i, c := range p.order {
				last[i] = vals[c]
			}
		}
		return true
	})
	if err == nil {
		err = derr
	}
	if err != nil {
		return 0, "", err
	}
	if n > count {
		if next, err = s.p.EncodeToken(scope, last); err != nil {
			return 0, "", err
		}
	}
	return 0, next, nil
}

func (s *dynTable) countAll(ctx context.Context, e *dexpr, p *dynPlan, q *db.Query, n *int64) error {
	var idx *string
	if p.index != nil {
		idx = &p.index.name
	}
	var start map[string]types.AttributeValue
	for {
		var cnt int32
		var last map[string]types.AttributeValue
		if p.scan {
			out, err := s.c.Scan(ctx, &dynamodb.ScanInput{TableName: &s.table, Select: types.SelectCount, ExclusiveStartKey: start,
				FilterExpression: nonEmpty(p.filter), ExpressionAttributeNames: e.namesOrNil(), ExpressionAttributeValues: e.valuesOrNil()})
			if err != nil {
				return s.wrap("select", err)
			}
			cnt, last = out.Count, out.LastEvaluatedKey
		} else {
			out, err := s.c.Query(ctx, &dynamodb.QueryInput{TableName: &s.table, IndexName: idx, Select: types.SelectCount, ExclusiveStartKey: start,
				KeyConditionExpression: &p.keyCond, FilterExpression: nonEmpty(p.filter), ExpressionAttributeNames: e.namesOrNil(), ExpressionAttributeValues: e.valuesOrNil()})
			if err != nil {
				return s.wrap("select", err)
			}
			cnt, last = out.Count, out.LastEvaluatedKey
		}
		*n += int64(cnt)
		if last == nil {
			return nil
		}
		start = last
	}
}

func (e *dexpr) namesOrNil() map[string]string {
	if len(e.names) == 0 {
		return nil
	}
	return e.names
}

// matchingKeys returns the keys of every row matching conds (at least one).
func (s *dynTable) matchingKeys(ctx context.Context, op string, conds []db.Cond) ([]map[string]types.AttributeValue, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if len(conds) == 0 {
		return nil, db.Invalid(s.t.Name, "", "%s needs at least one condition", op)
	}
	e := s.newExpr()
	p, err := s.plan(e, conds, -1, false)
	if err != nil || p.none {
		return nil, err
	}
	var keys []map[string]types.AttributeValue
	err = s.pages(ctx, e, p, &db.Query{}, s.projection(e, s.t.Keys), nil, 1000, func(it map[string]types.AttributeValue) bool {
		k := make(map[string]types.AttributeValue, 2)
		for _, c := range s.t.Keys {
			k[s.t.Columns[c].Name] = it[s.t.Columns[c].Name]
		}
		keys = append(keys, k)
		return true
	})
	return keys, err
}

// backoff sleeps before retry n of unprocessed batch items.
func backoff(ctx context.Context, n int) error {
	d := time.Duration(1<<min(n, 8)) * 20 * time.Millisecond
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

const batchRetries = 10

// DelAll deletes the rows matching conds, each with a delete conditional
// on them again: a row changed since the query (or deleted by another
// caller) is not counted, so the count is exact as SQL's DELETE … WHERE
// (the modules count by it). One call per row, as UpdateAll.
func (s *dynTable) DelAll(ctx context.Context, conds []db.Cond) (int64, error) {
	keys, err := s.matchingKeys(ctx, "DelAll", conds)
	if err != nil {
		return 0, err
	}
	e := s.newExpr()
	return s.eachMatching(e, conds, keys, "delAll", func(k map[string]types.AttributeValue, cond *string) error {
		_, err := s.c.DeleteItem(ctx, &dynamodb.DeleteItemInput{
			TableName: &s.table, Key: k, ConditionExpression: cond,
			ExpressionAttributeNames: e.namesOrNil(), ExpressionAttributeValues: e.valuesOrNil(),
		})
		return err
	})
}

func (s *dynTable) UpdateAll(ctx context.Context, conds []db.Cond, sets []db.Set) (int64, error) {
	keys, err := s.matchingKeys(ctx, "UpdateAll", conds)
	if err != nil {
		return 0, err
	}
	e := s.newExpr()
	upd, err := s.updateExpr(e, sets)
	if err != nil {
		return 0, err
	}
	if upd == "" {
		return int64(len(keys)), nil
	}
	return s.eachMatching(e, conds, keys, "updateAll", func(k map[string]types.AttributeValue, cond *string) error {
		_, err := s.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName: &s.table, Key: k, UpdateExpression: &upd, ConditionExpression: cond,
			ExpressionAttributeNames: e.namesOrNil(), ExpressionAttributeValues: e.valuesOrNil(),
		})
		return err
	})
}

// eachMatching runs write on each of keys with the condition that the row
// still exists and matches conds (as SQL's … WHERE would: one that changed
// since the query is left alone), and counts the rows written.
func (s *dynTable) eachMatching(e *dexpr, conds []db.Cond, keys []map[string]types.AttributeValue, op string, write func(k map[string]types.AttributeValue, cond *string) error) (int64, error) {
	filter, _, err := s.filter(e, conds)
	if err != nil {
		return 0, err
	}
	cond := "attribute_exists(" + e.name(s.hash) + ")"
	if filter != "" {
		cond += " AND " + filter
	}
	var n int64
	for _, k := range keys {
		err := write(k, &cond)
		if isCode(err, "ConditionalCheckFailedException") {
			continue
		}
		if err != nil {
			return n, s.wrap(op, err)
		}
		n++
	}
	return n, nil
}

func (s *dynStore[R]) List(ctx context.Context, keys [][]any) ([]R, error) {
	if err := s.tab.check(); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var all []map[string]types.AttributeValue
	for _, k := range keys {
		ks := db.ValuesString(k)
		if seen[ks] { // BatchGetItem refuses a key twice
			continue
		}
		seen[ks] = true
		m, err := s.tab.key(k)
		if err != nil {
			return nil, err
		}
		all = append(all, m)
	}
	var rows []R
	vals := make([]any, len(s.tab.t.Columns))
	for start := 0; start < len(all); start += 100 {
		pending := map[string]types.KeysAndAttributes{s.tab.table: {Keys: all[start:min(start+100, len(all))], ConsistentRead: aws.Bool(s.tab.cn.consistent)}}
		for try := 0; len(pending[s.tab.table].Keys) > 0; try++ {
			if try == batchRetries {
				return nil, s.tab.wrap("list", fmt.Errorf("%d keys still unprocessed after %d tries", len(pending[s.tab.table].Keys), try))
			}
			if try > 0 {
				if err := backoff(ctx, try); err != nil {
					return nil, err
				}
			}
			out, err := s.tab.c.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: pending})
			if err != nil {
				return nil, s.tab.wrap("list", err)
			}
			for _, it := range out.Responses[s.tab.table] {
				if err := s.tab.values(it, vals); err != nil {
					return nil, err
				}
				if err := db.AppendRow(s.rt, &rows, vals, nil); err != nil {
					return nil, err
				}
			}
			pending = out.UnprocessedKeys
		}
	}
	return db.InKeyOrder(s.rt, rows, keys)
}

// --- tables

func (s *dynTable) attrType(c int) types.ScalarAttributeType {
	switch s.t.Columns[c].Kind {
	case db.KindInt, db.KindFloat:
		return types.ScalarAttributeTypeN
	case db.KindBytes:
		return types.ScalarAttributeTypeB
	}
	return types.ScalarAttributeTypeS
}

func (s *dynTable) keySchema(hash, rng int) []types.KeySchemaElement {
	ks := []types.KeySchemaElement{{AttributeName: &s.t.Columns[hash].Name, KeyType: types.KeyTypeHash}}
	if rng >= 0 {
		ks = append(ks, types.KeySchemaElement{AttributeName: &s.t.Columns[rng].Name, KeyType: types.KeyTypeRange})
	}
	return ks
}

func (s *dynTable) gsi(ix *dynIndex) types.GlobalSecondaryIndex {
	return types.GlobalSecondaryIndex{IndexName: aws.String(ix.name), KeySchema: s.keySchema(ix.hash, ix.rng), Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}
}

// CreateTable creates the table with its indexes and waits until it is
// active; on an existing table it adds missing global indexes (DynamoDB
// adds local ones only at creation). Attributes need no upgrade.
func (s *dynTable) CreateTable(ctx context.Context) error {
	if err := s.check(); err != nil {
		return err
	}
	for _, ix := range s.indexes {
		if ix.indexError != "" {
			return db.Unsupportedf("%s: %s", s.t.Name, ix.indexError)
		}
	}
	desc, err := s.c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &s.table})
	if isCode(err, "ResourceNotFoundException") {
		return s.create(ctx)
	}
	if err != nil {
		return s.wrap("create", err)
	}
	have := map[string]bool{}
	for _, g := range desc.Table.GlobalSecondaryIndexes {
		have[*g.IndexName] = true
	}
	for _, l := range desc.Table.LocalSecondaryIndexes {
		have[*l.IndexName] = true
	}
	for i := range s.indexes {
		ix := &s.indexes[i]
		if have[ix.name] {
			continue
		}
		if ix.local {
			return db.Unsupportedf("%s: local index %s can only be made with the table; DynamoDB cannot add it to an existing table", s.t.Name, ix.name)
		}
		_, err := s.c.UpdateTable(ctx, &dynamodb.UpdateTableInput{
			TableName:            &s.table,
			AttributeDefinitions: s.attrDefs(ix.hash, ix.rng),
			GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
				IndexName: aws.String(ix.name), KeySchema: s.keySchema(ix.hash, ix.rng), Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
			}}},
		})
		if err != nil {
			return s.wrap("create index "+ix.name, err)
		}
		if err := s.waitActive(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (s *dynTable) attrDefs(cols ...int) []types.AttributeDefinition {
	var defs []types.AttributeDefinition
	seen := map[int]bool{}
	for _, c := range cols {
		if c < 0 || seen[c] {
			continue
		}
		seen[c] = true
		defs = append(defs, types.AttributeDefinition{AttributeName: &s.t.Columns[c].Name, AttributeType: s.attrType(c)})
	}
	return defs
}

func (s *dynTable) create(ctx context.Context) error {
	cols := []int{s.hash, s.rng}
	in := &dynamodb.CreateTableInput{TableName: &s.table, KeySchema: s.keySchema(s.hash, s.rng), BillingMode: types.BillingModePayPerRequest}
	for i := range s.indexes {
		ix := &s.indexes[i]
		cols = append(cols, ix.hash, ix.rng)
		if ix.local {
			in.LocalSecondaryIndexes = append(in.LocalSecondaryIndexes, types.LocalSecondaryIndex{IndexName: aws.String(ix.name), KeySchema: s.keySchema(ix.hash, ix.rng), Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}})
		} else {
			in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, s.gsi(ix))
		}
	}
	in.AttributeDefinitions = s.attrDefs(cols...)
	if _, err := s.c.CreateTable(ctx, in); err != nil && !isCode(err, "ResourceInUseException") {
		return s.wrap("create", err)
	}
	return s.waitActive(ctx)
}

// waitActive waits until the table and its indexes are active.
func (s *dynTable) waitActive(ctx context.Context) error {
	for try := 0; ; try++ {
		out, err := s.c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &s.table})
		if err != nil && !isCode(err, "ResourceNotFoundException") {
			return s.wrap("create", err)
		}
		if err == nil && out.Table.TableStatus == types.TableStatusActive {
			ready := true
			for _, g := range out.Table.GlobalSecondaryIndexes {
				ready = ready && g.IndexStatus == types.IndexStatusActive
			}
			if ready {
				return nil
			}
		}
		if try > 600 {
			return s.wrap("create", fmt.Errorf("table not active after %d checks", try))
		}
		if err := backoff(ctx, min(try, 3)); err != nil {
			return err
		}
	}
}

// matchLocal checks conditions on key attributes of an item; key values are
// never NULL, so only comparisons are involved.
func (s *dynTable) matchLocal(conds []db.Cond, item map[string]types.AttributeValue) bool {
	for _, c := range conds {
		col, vals, err := s.t.Cond(c)
		if err != nil {
			return false
		}
		v, err := s.canonical(col, item[s.t.Columns[col].Name])
		if err != nil || !db.Match(c.Op, v, vals) {
			return false
		}
	}
	return true
}
