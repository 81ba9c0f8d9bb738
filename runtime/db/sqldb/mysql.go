package sqldb

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/bkgen/bkgen/runtime/db"
)

// MySQL and MariaDB: the same store through database/sql. The session's
// sql_mode makes "name" an identifier (ANSI_QUOTES, so the statements
// are the other dialects') and refuses what other databases refuse
// (STRICT_ALL_TABLES: a string too long for its column is an error, never
// truncated); text is utf8mb4_bin, so it compares and sorts byte-wise as on
// SQLite and PostgreSQL. What MySQL lacks (RETURNING, ON CONFLICT … WHERE)
// runs as a short transaction instead (upsert.go).

// keyLen is the length of a string key or indexed column: 255 characters
// of utf8mb4 is 1020 bytes, three of which fit InnoDB's 3072-byte index
// limit. A longer value is refused (400), never cut.
const keyLen = 255

var mysqlDialect = &dialect{
	name:      "mysql",
	duplicate: true,
	colType: func(c *db.Column, indexed bool) string {
		switch c.Kind {
		case db.KindInt:
			switch c.Bits {
			case 8:
				return "tinyint"
			case 16:
				return "smallint"
			case 32:
				return "int"
			}
			return "bigint"
		case db.KindFloat:
			return "double"
		case db.KindBool:
			return "boolean"
		case db.KindTime:
			return "datetime(6)"
		case db.KindBytes:
			if indexed {
				return fmt.Sprintf("varbinary(%d)", keyLen)
			}
			return "longblob"
		case db.KindJSON:
			return "longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
		}
		if indexed {
			return fmt.Sprintf("varchar(%d) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", keyLen)
		}
		return "longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
	},
	autoID: "bigint AUTO_INCREMENT",
	bind: func(v any) any {
		if t, ok := v.(time.Time); ok {
			if t.IsZero() {
				// as text: the driver sends the zero time as 0000-00-00,
				// which is no date (NO_ZERO_DATE)
				return "0001-01-01 00:00:00"
			}
			return t.UTC()
		}
		return v
	},
	// in parentheses: MySQL 8 takes a literal default on a TEXT or BLOB
	// column only as an expression (MariaDB takes both)
	literal: func(k db.Kind, v any) string {
		switch x := v.(type) {
		case bool:
			if x {
				return "(1)"
			}
			return "(0)"
		case []byte:
			return "(X'" + hex.EncodeToString(x) + "')"
		case time.Time:
			if x.IsZero() {
				return "'0001-01-01 00:00:00'"
			}
			return sqlString(x.UTC().Format("2006-01-02 15:04:05.999999"))
		}
		return "(" + literal(v) + ")"
	},
	// LIKE on a utf8mb4_bin column is case-sensitive and uses the index
	beginsWith: func(c, ph, v string) (string, any) {
		return c + ` LIKE ` + ph, escapeLike(v) + "%"
	},
	contains: func(c, ph string) string { return "instr(" + c + ", " + ph + ") > 0" },
	notEqual: func(c, ph string) string { return "NOT (" + c + " <=> " + ph + ")" },
	incoming: func(c string) string { return "VALUES(" + c + ")" },
	// NULL is the smallest value in MySQL's order already
	nullsFirst: "",
	nullsLast:  "",
	isUnique: func(err error) bool {
		var e *mysql.MySQLError
		return errors.As(err, &e) && e.Number == 1062 // ER_DUP_ENTRY
	},
}

// retryable reports a transaction that lost to another (a deadlock, a
// lock wait past its time): run again, it sees the other's write.
func retryable(err error) bool {
	var e *mysql.MySQLError
	return errors.As(err, &e) && (e.Number == 1213 || e.Number == 1205)
}

// mysqlError maps MySQL's refusals of a value to the errors every backend
// returns for them.
func mysqlError(table string, err error) error {
	var e *mysql.MySQLError
	if !errors.As(err, &e) {
		return nil
	}
	switch e.Number {
	case 1406: // ER_DATA_TOO_LONG
		return db.Invalid(table, "", "a value is longer than its column takes (%d characters for keys and indexed text)", keyLen)
	case 1690: // ER_DATA_OUT_OF_RANGE
		return db.ErrOverflow
	case 1264, 1366, 1292: // out of range, incorrect value
		return db.Invalid(table, "", "a value does not fit its column")
	}
	return nil
}

func init() {
	open := func(ctx context.Context, c db.Config) (*db.Pool, error) {
		if c.MySQLPool == "" {
			return nil, errors.New("db: -db-pool mysql needs -db-mysql-pool mysql://user:pass@host:port/db")
		}
		return OpenMySQL(ctx, c.MySQLPool, c.MySQLMax, []byte(c.TokenSecret))
	}
	db.RegisterDriver("mysql", open)
	db.RegisterDriver("mariadb", open)
}

// OpenMySQL opens a MySQL or MariaDB pool from a URL
// mysql://user:pass@host:port/db (or a go-sql-driver DSN).
func OpenMySQL(ctx context.Context, url string, max int, secret []byte) (*db.Pool, error) {
	cfg, err := mysqlConfig(url)
	if err != nil {
		return nil, err
	}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("db: mysql: %w", err)
	}
	sqldb := sql.OpenDB(connector)
	if max <= 0 {
		max = 25
	}
	sqldb.SetMaxOpenConns(max)
	sqldb.SetMaxIdleConns(max)
	sqldb.SetConnMaxLifetime(time.Hour)
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := sqldb.PingContext(pctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("db: mysql %s@%s/%s: %w", cfg.User, cfg.Addr, cfg.DBName, err)
	}
	c := &conn{d: mysqlDialect, w: sqldb, r: sqldb, my: true}
	return db.NewPool("mysql", c, func() { sqldb.Close() }, secret), nil
}

// mysqlConfig reads mysql://user:pass@host:port/db?param=v, or a DSN.
func mysqlConfig(url string) (*mysql.Config, error) {
	dsn := url
	if rest, ok := strings.CutPrefix(url, "mysql://"); ok {
		auth, hostdb, found := strings.Cut(rest, "@")
		if !found {
			auth, hostdb = "", rest
		}
		host, dbq, _ := strings.Cut(hostdb, "/")
		dsn = auth + "@tcp(" + host + ")/" + dbq
		if auth == "" {
			dsn = "tcp(" + host + ")/" + dbq
		}
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("db: mysql url: %v (want mysql://user:pass@host:port/db)", err)
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.ClientFoundRows = true // UPDATE counts the rows matched, as the other databases do
	cfg.Timeout = 5 * time.Second
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params["sql_mode"] = "'ANSI_QUOTES,STRICT_ALL_TABLES,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'"
	cfg.Params["time_zone"] = "'+00:00'"
	return cfg, nil
}
