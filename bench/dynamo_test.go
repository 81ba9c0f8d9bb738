package bench

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/bkgen/bkgen/generated/store"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/db/dynamo"
)

// The DynamoDB baseline is what one writes by hand with aws-sdk-go-v2:
// attribute maps built and read field by field (no attributevalue
// reflection), the same requests the generated store sends.

func dynTable(name string) string { return fmt.Sprintf("bench%d_%s", os.Getpid(), name) }

func dynGet(ctx context.Context, t target, id string) (*store.Todo, error) {
	out, err := dynamo.Client(t.pool).GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(dynTable("todo")), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: id}},
	})
	if err != nil || out.Item == nil {
		return nil, fmt.Errorf("get %s: %v", id, err)
	}
	r := new(store.Todo)
	for k, a := range out.Item {
		switch k {
		case "id":
			r.ID = a.(*types.AttributeValueMemberS).Value
		case "name":
			r.Name = a.(*types.AttributeValueMemberS).Value
		case "descr":
			r.Descr = a.(*types.AttributeValueMemberS).Value
		case "due":
			tm, err := time.Parse(db.TimeFormat, a.(*types.AttributeValueMemberS).Value)
			if err != nil {
				return nil, err
			}
			r.Due = &tm
		case "done":
			r.Done = a.(*types.AttributeValueMemberBOOL).Value
		case "mtime":
			r.Mtime, _ = strconv.ParseInt(a.(*types.AttributeValueMemberN).Value, 10, 64)
		}
	}
	return r, nil
}

func dynPut(ctx context.Context, t target, r *store.Todo) error {
	item := map[string]types.AttributeValue{
		"id":    &types.AttributeValueMemberS{Value: r.ID},
		"name":  &types.AttributeValueMemberS{Value: r.Name},
		"descr": &types.AttributeValueMemberS{Value: r.Descr},
		"done":  &types.AttributeValueMemberBOOL{Value: r.Done},
		"mtime": &types.AttributeValueMemberN{Value: strconv.FormatInt(r.Mtime, 10)},
	}
	if r.Due != nil {
		item["due"] = &types.AttributeValueMemberS{Value: r.Due.UTC().Format(db.TimeFormat)}
	}
	_, err := dynamo.Client(t.pool).PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(dynTable("todo")), Item: item})
	return err
}

func dynSelect(ctx context.Context, t target, after string) ([]store.Photo, error) {
	in := &dynamodb.QueryInput{
		TableName: aws.String(dynTable("photo")), ConsistentRead: aws.Bool(true), Limit: aws.Int32(21),
		KeyConditionExpression:    aws.String("#a = :a"),
		ProjectionExpression:      aws.String("#a, #i, #n, #w, #h"),
		ExpressionAttributeNames:  map[string]string{"#a": "album_id", "#i": "id", "#n": "name", "#w": "width", "#h": "height"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":a": &types.AttributeValueMemberS{Value: "album"}},
	}
	if after != "" {
		in.ExclusiveStartKey = map[string]types.AttributeValue{"album_id": &types.AttributeValueMemberS{Value: "album"}, "id": &types.AttributeValueMemberS{Value: after}}
	}
	out, err := dynamo.Client(t.pool).Query(ctx, in)
	if err != nil {
		return nil, err
	}
	ps := make([]store.Photo, len(out.Items))
	for i, it := range out.Items {
		p := &ps[i]
		p.AlbumID = it["album_id"].(*types.AttributeValueMemberS).Value
		p.ID = it["id"].(*types.AttributeValueMemberS).Value
		if a, ok := it["name"].(*types.AttributeValueMemberS); ok {
			p.Name = a.Value
		}
		w, _ := strconv.Atoi(it["width"].(*types.AttributeValueMemberN).Value)
		h, _ := strconv.Atoi(it["height"].(*types.AttributeValueMemberN).Value)
		p.Width, p.Height = w, h
	}
	return ps, nil
}
