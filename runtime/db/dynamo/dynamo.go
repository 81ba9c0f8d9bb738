// Package dynamo is the DynamoDB driver of runtime/db: a pool (Open, or
// -db-pool dynamodb once runtime/db/drivers is imported) and the backend of
// each table on it (Backend). The mapping (docs/schema.md has it per
// annotation):
//   - the first key column is the hash key, the second the range key;
//   - indexes become LSIs when they start with the hash key and have two
//     columns, GSIs otherwise; only their first two columns are keys, and
//     every index projects all attributes so a db.Query on it returns rows;
//   - values: strings, times (db.TimeFormat) and JSON are S, numbers N, bool
//     BOOL, bytes B; NULL is an absent attribute; an empty string in an
//     index key column is stored absent too (DynamoDB refuses it there) and
//     conditions treat that absence as "";
//   - Select is a db.Query on the table when the hash key is fixed by eq, on an
//     index when its hash key is, and a Scan otherwise, only where scans are
//     allowed. What DynamoDB cannot do is ErrUnsupported, never ignored.
package dynamo

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/bkgen/bkgen/runtime/db"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// Options configures a DynamoDB pool.
type Options struct {
	// Endpoint is a URL (dynalite, DynamoDB local), or "default" for AWS with
	// the standard credential chain and region (AWS_REGION, else us-east-1).
	Endpoint string
	// AllowScan lets Select, DelAll and UpdateAll scan the whole table when
	// no key condition is given (backendjs's noscan, inverted).
	AllowScan bool
	// TablePrefix is put before every table name, so that several
	// applications or test runs can share one account.
	TablePrefix string
	// EventualReads makes Get, List and table queries eventually
	// consistent: half the read cost, but a read right after a write may
	// miss it. Off by default, so every backend reads its own writes.
	EventualReads bool
}

func init() {
	db.RegisterDriver("dynamodb", func(ctx context.Context, c db.Config) (*db.Pool, error) {
		return Open(ctx, Options{Endpoint: c.DynamoDBPool, AllowScan: c.DynamoDBScan, TablePrefix: c.DynamoDBPrefix, EventualReads: c.DynamoDBEventual}, []byte(c.TokenSecret))
	})
}

// conn is what a DynamoDB pool holds (db.Pool.Conn): the client and the
// options its tables use.
type conn struct {
	c          *dynamodb.Client
	scan       bool   // Select may Scan when no key condition is given
	prefix     string // before every DynamoDB table name
	consistent bool   // strongly consistent reads
}

// TableName is the DynamoDB name of table on pool p (its -db-dynamodb-prefix
// and the table's name), for code that calls the client itself; "" for
// other pools.
func TableName(p *db.Pool, table string) string {
	if c, ok := p.Conn().(*conn); ok {
		return c.prefix + table
	}
	return ""
}

// Client returns the DynamoDB client of a pool Open made; nil for other pools.
func Client(p *db.Pool) *dynamodb.Client {
	if c, ok := p.Conn().(*conn); ok {
		return c.c
	}
	return nil
}

// Backend is the driver's db.Opener: the backend of table t on a pool Open
// made.
func Backend[R any](p *db.Pool, t *db.Table[R]) (db.Backend[R], bool) {
	c, ok := p.Conn().(*conn)
	if !ok {
		return nil, false
	}
	return newDynStore(p, c, t), true
}

// Open opens a DynamoDB pool.
func Open(ctx context.Context, o Options, secret []byte) (*db.Pool, error) {
	endpoint := o.Endpoint
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer {
			// Throttling is retried with backoff well past the default 3 tries.
			return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = 10 })
		}),
	}
	if os.Getenv("AWS_REGION") == "" && os.Getenv("AWS_DEFAULT_REGION") == "" {
		opts = append(opts, config.WithRegion("us-east-1"))
	}
	local := endpoint != "" && endpoint != "default"
	if local && os.Getenv("AWS_ACCESS_KEY_ID") == "" {
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("local", "local", "")))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("db: dynamodb: %w", err)
	}
	client := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if local {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	// The first call says whether the endpoint answers: a few tries within
	// seconds, not the ten with backoff (minutes) that throttled calls get.
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if _, err := client.ListTables(pctx, &dynamodb.ListTablesInput{Limit: aws.Int32(1)}, func(o *dynamodb.Options) { o.RetryMaxAttempts = 3 }); err != nil {
		return nil, fmt.Errorf("db: dynamodb %s does not answer: %w", endpoint, err)
	}
	return db.NewPool("dynamodb", &conn{c: client, scan: o.AllowScan, prefix: o.TablePrefix, consistent: !o.EventualReads}, nil, secret), nil
}

// dynIndex is a secondary index as DynamoDB holds it.
type dynIndex struct {
	name       string
	hash, rng  int // columns; rng -1 when the index has one column
	local      bool
	unique     bool
	indexError string // why DynamoDB cannot hold it, when it cannot
}

// dynStore is a table's backend on a DynamoDB pool: the typed operations,
// over dynTable, which has everything that needs no row type (expressions,
// plans, attribute values, the table's creation), so that it is compiled
// once and not once per table (db.Schema and db.Backend say why).
type dynStore[R any] struct {
	tab *dynTable // its Rowless
	rt  *db.Table[R]
}

// Rowless is the table's operations that need no row type (db.Backend).
func (s *dynStore[R]) Rowless() db.RowlessOps { return s.tab }

// dynTable is the part of a table's DynamoDB backend that needs no row type.
type dynTable struct {
	t         *db.Schema
	table     string // the DynamoDB table name: the pool's prefix + the table name
	p         *db.Pool
	cn        *conn
	c         *dynamodb.Client
	hash, rng int // key columns; rng -1
	indexes   []dynIndex
	sparse    []bool // non-nullable string columns that are index keys: "" is stored absent
	keyErr    string // why DynamoDB cannot hold the table
	names     map[string]string
}

func newDynStore[R any](p *db.Pool, cn *conn, t *db.Table[R]) *dynStore[R] {
	tab := newDynTable(p, cn, &t.Schema)
	return &dynStore[R]{tab: tab, rt: t}
}

// newDynTable decides how table t is kept in DynamoDB, once.
func newDynTable(p *db.Pool, cn *conn, t *db.Schema) *dynTable {
	s := &dynTable{t: t, table: cn.prefix + t.Name, p: p, cn: cn, c: cn.c, hash: t.Keys[0], rng: -1, sparse: make([]bool, len(t.Columns))}
	switch {
	case len(t.Keys) == 2:
		s.rng = t.Keys[1]
	case len(t.Keys) > 2:
		s.keyErr = fmt.Sprintf("table %s has %d key columns; DynamoDB holds at most two (hash and range)", t.Name, len(t.Keys))
	}
	for _, ix := range t.Indexes {
		d := dynIndex{name: ix.Name, hash: ix.Columns[0], rng: -1, unique: ix.Unique}
		if len(ix.Columns) > 1 {
			d.rng = ix.Columns[1]
		}
		d.local = d.hash == s.hash && d.rng >= 0
		for _, c := range []int{d.hash, d.rng} {
			if c >= 0 && !dynKeyKind(t.Columns[c].Kind) {
				d.indexError = fmt.Sprintf("index %s: a %s column cannot be a DynamoDB key", ix.Name, t.Columns[c].Kind)
			}
			if c >= 0 && t.Columns[c].Kind == db.KindString && !t.Columns[c].Nullable {
				s.sparse[c] = true
			}
		}
		s.indexes = append(s.indexes, d)
	}
	s.names = make(map[string]string, len(t.Columns))
	for i, c := range t.Columns {
		s.names["#"+strconv.Itoa(i)] = c.Name
	}
	return s
}

// dynKeyKind reports whether a column of kind k can be a DynamoDB key.
func dynKeyKind(k db.Kind) bool {
	return k == db.KindString || k == db.KindInt || k == db.KindFloat || k == db.KindTime || k == db.KindBytes
}

func (s *dynTable) check() error {
	if s.keyErr != "" {
		return db.Unsupportedf("%s", s.keyErr)
	}
	return nil
}

// --- values

// av converts a canonical value of column c; nil means "no attribute".
func (s *dynTable) av(c int, v any) (types.AttributeValue, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		if err := db.CheckText(x); err != nil {
			return nil, &db.ValidationError{Table: s.t.Name, Column: s.t.Columns[c].Name, Msg: err.Error()}
		}
		if x == "" && s.sparse[c] {
			return nil, nil
		}
		return &types.AttributeValueMemberS{Value: x}, nil
	case int64:
		return &types.AttributeValueMemberN{Value: strconv.FormatInt(x, 10)}, nil
	case float64:
		return &types.AttributeValueMemberN{Value: strconv.FormatFloat(x, 'g', -1, 64)}, nil
	case bool:
		return &types.AttributeValueMemberBOOL{Value: x}, nil
	case time.Time:
		return &types.AttributeValueMemberS{Value: x.UTC().Format(db.TimeFormat)}, nil
	case []byte:
		return &types.AttributeValueMemberB{Value: x}, nil
	}
	return nil, fmt.Errorf("dynamodb: no attribute type for %T", v)
}

// canonical converts an attribute back to the canonical value of column c.
func (s *dynTable) canonical(c int, a types.AttributeValue) (any, error) {
	switch x := a.(type) {
	case *types.AttributeValueMemberS:
		if s.t.Columns[c].Kind == db.KindTime {
			t, _, err := db.ToTime(x.Value)
			return t, err
		}
		return x.Value, nil
	case *types.AttributeValueMemberN:
		if s.t.Columns[c].Kind == db.KindInt {
			return strconv.ParseInt(x.Value, 10, 64)
		}
		return strconv.ParseFloat(x.Value, 64)
	case *types.AttributeValueMemberBOOL:
		return x.Value, nil
	case *types.AttributeValueMemberB:
		return x.Value, nil
	case *types.AttributeValueMemberNULL:
		return nil, nil
	}
	return nil, fmt.Errorf("column %s: unexpected DynamoDB attribute %T", s.t.Columns[c].Name, a)
}

// item is the DynamoDB item of a row's canonical values.
func (s *dynTable) item(vals []any) (map[string]types.AttributeValue, error) {
	item := make(map[string]types.AttributeValue, len(s.t.Columns))
	for c, v := range vals {
		a, err := s.av(c, v)
		if err != nil {
			return nil, err
		}
		if a != nil {
			item[s.t.Columns[c].Name] = a
		}
	}
	return item, nil
}

// values sets vals (one per column) to the canonical values of item, nil
// where it has no attribute; db.FillRow makes the row of them, so the
// conversion to Go types is the one the SQL backends use.
func (s *dynTable) values(item map[string]types.AttributeValue, vals []any) error {
	for c := range s.t.Columns {
		vals[c] = nil
		if a, ok := item[s.t.Columns[c].Name]; ok {
			v, err := s.canonical(c, a)
			if err != nil {
				return err
			}
			vals[c] = v
		}
	}
	return nil
}

// row returns the row of item.
func (s *dynStore[R]) row(item map[string]types.AttributeValue) (*R, error) {
	vals := make([]any, len(s.tab.t.Columns))
	if err := s.tab.values(item, vals); err != nil {
		return nil, err
	}
	return db.NewRow(s.rt, vals)
}

func (s *dynTable) key(vals []any) (map[string]types.AttributeValue, error) {
	k := make(map[string]types.AttributeValue, 2)
	for i, c := range s.t.Keys {
		a, err := s.av(c, vals[i])
		if err != nil {
			return nil, err
		}
		k[s.t.Columns[c].Name] = a
	}
	return k, nil
}

// --- errors

func isCode(err error, code string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == code
}

func (s *dynTable) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var e *db.Error
	var v *db.ValidationError
	if errors.As(err, &e) || errors.As(err, &v) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "ValidationException":
			msg := ae.ErrorMessage()
			if strings.Contains(msg, "size has exceeded") || strings.Contains(msg, "Item size") {
				return db.Invalid(s.t.Name, "", "the row is larger than DynamoDB's 400 KB item limit")
			}
			return &db.Error{Code: "InvalidValue", Message: s.t.Name + ": " + msg}
		case "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded":
			return &db.Error{Code: "OverCapacity", Message: s.t.Name + ": DynamoDB is over capacity, try again"}
		case "ResourceNotFoundException":
			return fmt.Errorf("%s %s (dynamodb): table missing; create it with -db-create-tables: %w", op, s.t.Name, err)
		}
	}
	if db.Outage(err) {
		return db.Unavailable(op+" "+s.t.Name+" (dynamodb)", err)
	}
	return fmt.Errorf("%s %s (dynamodb): %w", op, s.t.Name, err)
}

// --- single-row operations

func (s *dynStore[R]) Get(ctx context.Context, key []any) (*R, error) {
	item, err := s.tab.get(ctx, key)
	if err != nil {
		return nil, err
	}
	return s.row(item)
}

func (s *dynTable) get(ctx context.Context, key []any) (map[string]types.AttributeValue, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	k, err := s.key(key)
	if err != nil {
		return nil, err
	}
	out, err := s.c.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: k, ConsistentRead: aws.Bool(s.cn.consistent)})
	if err != nil {
		return nil, s.wrap("get", err)
	}
	if out.Item == nil {
		return nil, db.ErrNotFound
	}
	return out.Item, nil
}

func (s *dynTable) hashName() string { return "#" + strconv.Itoa(s.hash) }

// assignID gives an AutoID key left at zero a random positive id below
// 2^53 (exact in JSON): DynamoDB has no sequences. It returns the column
// it set, or -1.
func (s *dynTable) assignID(vals []any) int {
	for c := range s.t.Columns {
		if !s.t.Columns[c].AutoID {
			continue
		}
		if vals[c] != int64(0) {
			return -1
		}
		var b [8]byte
		rand.Read(b[:])
		vals[c] = int64(binary.BigEndian.Uint64(b[:])>>11) | 1
		return c
	}
	return -1
}

// Add stores r; an AutoID key left at zero gets a random id, written back
// into r.
func (s *dynStore[R]) Add(ctx context.Context, r *R) error {
	if err := s.tab.check(); err != nil {
		return err
	}
	vals, err := db.RowValues(s.rt, r)
	if err != nil {
		return err
	}
	auto := s.tab.assignID(vals)
	if err := s.tab.add(ctx, vals); err != nil || auto < 0 {
		return err
	}
	return db.FillRow(s.rt, r, vals, []int{auto})
}

func (s *dynTable) add(ctx context.Context, vals []any) error {
	item, err := s.item(vals)
	if err != nil {
		return err
	}
	_, err = s.c.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &s.table, Item: item,
		ConditionExpression:      aws.String("attribute_not_exists(" + s.hashName() + ")"),
		ExpressionAttributeNames: map[string]string{s.hashName(): s.t.Columns[s.hash].Name},
	})
	if isCode(err, "ConditionalCheckFailedException") {
		return db.ErrExists
	}
	return s.wrap("add", err)
}

func (s *dynStore[R]) Put(ctx context.Context, r *R, expect []db.Cond) error {
	if err := s.tab.check(); err != nil {
		return err
	}
	vals, err := db.RowValues(s.rt, r)
	if err != nil {
		return err
	}
	return s.tab.put(ctx, vals, expect)
}

func (s *dynTable) put(ctx context.Context, vals []any, expect []db.Cond) error {
	item, err := s.item(vals)
	if err != nil {
		return err
	}
	in := &dynamodb.PutItemInput{TableName: &s.table, Item: item}
	if len(expect) > 0 {
		// the row is new, or it is there and matches: one conditional write
		e := s.newExpr()
		filter, none, err := s.filter(e, expect)
		if err != nil {
			return err
		}
		cond := "attribute_not_exists(" + e.name(s.hash) + ")"
		if !none && filter != "" {
			cond += " OR (" + filter + ")"
		}
		in.ConditionExpression = &cond
		in.ExpressionAttributeNames, in.ExpressionAttributeValues = e.namesOrNil(), e.valuesOrNil()
	}
	_, err = s.c.PutItem(ctx, in)
	if isCode(err, "ConditionalCheckFailedException") {
		return db.ErrCondition
	}
	return s.wrap("put", err)
}

func (s *dynTable) Del(ctx context.Context, key []any) error {
	if err := s.check(); err != nil {
		return err
	}
	k, err := s.key(key)
	if err != nil {
		return err
	}
	_, err = s.c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.table, Key: k})
	return s.wrap("del", err)
}

// updateExpr renders sets as SET/REMOVE clauses.
func (s *dynTable) updateExpr(e *dexpr, sets []db.Set) (string, error) {
	var set, remove []string
	for _, st := range sets {
		a, err := s.av(st.Col, st.Val)
		if err != nil {
			return "", err
		}
		if a == nil {
			remove = append(remove, e.name(st.Col))
		} else {
			set = append(set, e.name(st.Col)+" = "+e.value(a))
		}
	}
	var b strings.Builder
	if len(set) > 0 {
		b.WriteString("SET " + strings.Join(set, ", "))
	}
	if len(remove) > 0 {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("REMOVE " + strings.Join(remove, ", "))
	}
	return b.String(), nil
}

func (s *dynTable) Update(ctx context.Context, key []any, sets []db.Set, expect []db.Cond) (int64, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	k, err := s.key(key)
	if err != nil {
		return 0, err
	}
	e := s.newExpr()
	cond := "attribute_exists(" + e.name(s.hash) + ")"
	filter, none, err := s.filter(e, expect)
	if err != nil {
		return 0, err
	}
	if none {
		return 0, nil
	}
	if filter != "" {
		cond += " AND " + filter
	}
	upd, err := s.updateExpr(e, sets)
	if err != nil {
		return 0, err
	}
	if upd == "" { // nothing to write: report whether the row matches
		out, err := s.c.Query(ctx, &dynamodb.QueryInput{
			TableName: &s.table, ConsistentRead: aws.Bool(true), Select: types.SelectCount,
			KeyConditionExpression: aws.String(s.keyCondition(e, key)), FilterExpression: nonEmpty(filter),
			ExpressionAttributeNames: e.namesOrNil(), ExpressionAttributeValues: e.valuesOrNil(),
		})
		if err != nil {
			return 0, s.wrap("update", err)
		}
		return int64(out.Count), nil
	}
	_, err = s.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: k, UpdateExpression: &upd, ConditionExpression: &cond,
		ExpressionAttributeNames: e.namesOrNil(), ExpressionAttributeValues: e.valuesOrNil(),
	})
	if isCode(err, "ConditionalCheckFailedException") {
		return 0, nil
	}
	if err != nil {
		return 0, s.wrap("update", err)
	}
	return 1, nil
}

func (s *dynTable) keyCondition(e *dexpr, key []any) string {
	parts := make([]string, len(s.t.Keys))
	for i, c := range s.t.Keys {
		a, _ := s.av(c, key[i]) // keys were checked by the caller
		parts[i] = e.name(c) + " = " + e.value(a)
	}
	return strings.Join(parts, " AND ")
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Incr adds the counters with ADD, which creates the item when missing;
// the other columns of r (defaults, now) are set only where absent, except
// now columns, which every write bumps.
func (s *dynStore[R]) Incr(ctx context.Context, r *R, expect []db.Cond) (*R, error) {
	if err := s.tab.check(); err != nil {
		return nil, err
	}
	vals, err := db.RowValues(s.rt, r)
	if err != nil {
		return nil, err
	}
	item, err := s.tab.incr(ctx, vals, expect)
	if err != nil {
		return nil, err
	}
	return s.row(item)
}

// incr writes the counters of vals and returns the item as stored.
func (s *dynTable) incr(ctx context.Context, vals []any, expect []db.Cond) (map[string]types.AttributeValue, error) {
	e := s.newExpr()
	var add, set, guard []string
	key := make(map[string]types.AttributeValue, 2)
	hasCounter := false
	for c, col := range s.t.Columns {
		v := vals[c]
		a, err := s.av(c, v)
		if err != nil {
			return nil, err
		}
		switch {
		case col.Key > 0:
			key[col.Name] = a
		case a == nil:
		case col.Counter:
			hasCounter = true
			n := e.name(c)
			add = append(add, n+" "+e.value(a))
			// DynamoDB numbers go far past int64: keep the sum inside it
			if d, ok := v.(int64); ok && d != 0 {
				lim, cmp := int64(math.MaxInt64)-d, " <= "
				if d < 0 {
					lim, cmp = math.MinInt64-d, " >= "
				}
				la, err := s.av(c, lim)
				if err != nil {
					return nil, err
				}
				guard = append(guard, "(attribute_not_exists("+n+") OR "+n+cmp+e.value(la)+")")
			}
		case col.Now:
			set = append(set, e.name(c)+" = "+e.value(a))
		default:
			n := e.name(c)
			set = append(set, n+" = if_not_exists("+n+", "+e.value(a)+")")
		}
	}
	if !hasCounter {
		return nil, db.Invalid(s.t.Name, "", "table has no counter columns")
	}
	upd := "ADD " + strings.Join(add, ", ")
	if len(set) > 0 {
		upd += " SET " + strings.Join(set, ", ")
	}
	in := &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key, UpdateExpression: &upd, ReturnValues: types.ReturnValueAllNew,
		ExpressionAttributeNames: e.namesOrNil(), ExpressionAttributeValues: e.valuesOrNil(),
	}
	if len(expect) > 0 {
		// a missing item is created; an existing one must match
		filter, none, err := s.filter(e, expect)
		if err != nil {
			return nil, err
		}
		if none {
			filter = "attribute_not_exists(" + e.name(s.hash) + ")"
		}
		guard = append(guard, "(attribute_not_exists("+e.name(s.hash)+") OR ("+filter+"))")
		in.ExpressionAttributeNames, in.ExpressionAttributeValues = e.namesOrNil(), e.valuesOrNil()
	}
	if len(guard) > 0 {
		in.ConditionExpression = aws.String(strings.Join(guard, " AND "))
	}
	out, err := s.c.UpdateItem(ctx, in)
	if isCode(err, "ConditionalCheckFailedException") {
		if len(expect) > 0 {
			return nil, db.ErrCondition
		}
		return nil, db.ErrOverflow
	}
	if err != nil {
		return nil, s.wrap("incr", err)
	}
	return out.Attributes, nil
}

// --- expressions

// dexpr collects the names and values of one expression set.
type dexpr struct {
	names  map[string]string
	values map[string]types.AttributeValue
	cols   []db.Column
}

func (s *dynTable) newExpr() *dexpr {
	return &dexpr{names: map[string]string{}, values: map[string]types.AttributeValue{}, cols: s.t.Columns}
}

func (e *dexpr) name(c int) string {
	n := "#" + strconv.Itoa(c)
	e.names[n] = e.cols[c].Name
	return n
}

func (e *dexpr) value(a types.AttributeValue) string {
	n := ":" + strconv.Itoa(len(e.values))
	e.values[n] = a
	return n
}

func (e *dexpr) valuesOrNil() map[string]types.AttributeValue {
	if len(e.values) == 0 {
		return nil
	}
	return e.values
}

// zeroMatches reports whether "" satisfies a string condition: a sparse
// column keeps "" as an absent attribute, which DynamoDB never matches.
func zeroMatches(op db.Op, vals []any) bool {
	str := func(i int) string { return vals[i].(string) }
	switch op {
	case db.OpEq, db.OpGe:
		return str(0) == ""
	case db.OpNe, db.OpLt:
		return str(0) != ""
	case db.OpLe, db.OpNotContains, db.OpNotNull:
		return op != db.OpNotContains || str(0) != ""
	case db.OpIn:
		for i := range vals {
			if str(i) == "" {
				return true
			}
		}
	case db.OpBetween:
		return str(0) == ""
	case db.OpBeginsWith, db.OpContains:
		return str(0) == ""
	}
	return false
}

// filter renders conds as a condition expression. none reports a condition
// no row can meet (null on a column that is never NULL).
func (s *dynTable) filter(e *dexpr, conds []db.Cond) (expr string, none bool, err error) {
	parts := make([]string, 0, len(conds))
	for _, c := range conds {
		p, none, err := s.condExpr(e, c)
		if err != nil || none {
			return "", none, err
		}
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " AND "), false, nil
}

func (s *dynTable) condExpr(e *dexpr, c db.Cond) (string, bool, error) {
	col, vals, err := s.t.Cond(c)
	if err != nil {
		return "", false, err
	}
	column := &s.t.Columns[col]
	op := c.Op
	if op == "" {
		op = db.OpEq
	}
	n := e.name(col)
	switch op {
	case db.OpNull:
		if !column.Nullable {
			return "", true, nil
		}
		return "attribute_not_exists(" + n + ")", false, nil
	case db.OpNotNull:
		if !column.Nullable {
			return "", false, nil
		}
		return "attribute_exists(" + n + ")", false, nil
	}
	avs := make([]string, len(vals))
	for i, v := range vals {
		if s.sparse[col] && v == "" {
			avs[i] = "" // cannot be a value in an index key column; absence stands for it
			continue
		}
		a, err := s.av(col, v)
		if err != nil {
			return "", false, err
		}
		avs[i] = e.value(a)
	}
	var x string
	switch op {
	case db.OpEq:
		if avs[0] == "" {
			return "attribute_not_exists(" + n + ")", false, nil
		}
		x = n + " = " + avs[0]
	case db.OpNe: // NULL is "not equal" too
		if avs[0] == "" {
			return "attribute_exists(" + n + ")", false, nil
		}
		x = n + " <> " + avs[0]
		if column.Nullable || s.sparse[col] {
			x = "(attribute_not_exists(" + n + ") OR " + x + ")"
		}
		return x, false, nil
	case db.OpGt, db.OpGe, db.OpLt, db.OpLe:
		sym := map[db.Op]string{db.OpGt: " > ", db.OpGe: " >= ", db.OpLt: " < ", db.OpLe: " <= "}[op]
		if avs[0] == "" {
			avs[0] = e.value(&types.AttributeValueMemberS{Value: ""})
		}
		x = n + sym + avs[0]
	case db.OpIn:
		if len(avs) > 100 {
			return "", false, db.Unsupportedf("%s.%s: DynamoDB takes at most 100 values in an in condition", s.t.Name, column.Name)
		}
		var list []string
		for _, a := range avs {
			if a != "" {
				list = append(list, a)
			}
		}
		if len(list) == 0 {
			return "attribute_not_exists(" + n + ")", false, nil
		}
		x = n + " IN (" + strings.Join(list, ", ") + ")"
	case db.OpBetween:
		for i := range avs {
			if avs[i] == "" {
				avs[i] = e.value(&types.AttributeValueMemberS{Value: ""})
			}
		}
		x = n + " BETWEEN " + avs[0] + " AND " + avs[1]
	case db.OpBeginsWith:
		if avs[0] == "" {
			return "", false, nil // every string begins with ""
		}
		x = "begins_with(" + n + ", " + avs[0] + ")"
	case db.OpContains:
		if avs[0] == "" {
			return "", false, nil
		}
		x = "contains(" + n + ", " + avs[0] + ")"
	case db.OpNotContains: // an absent attribute contains nothing: NOT contains is true
		if avs[0] == "" {
			return "attribute_not_exists(" + n + ") AND attribute_exists(" + n + ")", false, nil
		}
		return "NOT contains(" + n + ", " + avs[0] + ")", false, nil
	}
	if s.sparse[col] && column.Kind == db.KindString && zeroMatches(op, vals) {
		x = "(attribute_not_exists(" + n + ") OR " + x + ")"
	}
	return x, false, nil
}
