package conformance

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/bkgen/bkgen/generated/store"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/db/dynamo"
)

// upgradeDynamo is the upgrade case on DynamoDB, which has no columns to
// add: items written before columns existed read with zero values, and
// CreateTable on the existing table keeps them.
func upgradeDynamo(t *testing.T, e *env) {
	prefix := e.uid(t)
	// the table by its name (ListTables pages by 100, and parallel tests
	// make more than that)
	name := dynamo.TableName(e.pool, store.TodoTable.Name)
	_, err := dynamo.Client(e.pool).DescribeTable(e.ctx, &dynamodb.DescribeTableInput{TableName: &name})
	ok(t, err)
	for i := 0; i < 5; i++ {
		_, err := dynamo.Client(e.pool).PutItem(e.ctx, &dynamodb.PutItemInput{TableName: &name, Item: map[string]types.AttributeValue{
			"id": &types.AttributeValueMemberS{Value: fmt.Sprint(prefix, i)}, "name": &types.AttributeValueMemberS{Value: fmt.Sprint("n", i)},
		}})
		ok(t, err)
	}
	ok(t, e.st.CreateTables(e.ctx))
	for i := 0; i < 5; i++ {
		r, err := e.st.Todo.Get(e.ctx, store.TodoKey{ID: fmt.Sprint(prefix, i)})
		ok(t, err)
		eq(t, [4]any{r.Name, r.Descr, r.Done, r.Mtime}, [4]any{fmt.Sprint("n", i), "", false, int64(0)}, "row")
	}
	// absent non-nullable attributes read as zero, but DynamoDB matches a
	// condition on them only once written: documented difference.
	_ = db.ErrUnsupported
}
