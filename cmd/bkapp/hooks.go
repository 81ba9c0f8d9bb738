package main

// This file is yours: bkgen created it once and never overwrites it.
// It holds the application's parameters, row hooks and request hooks.

import (
	"context"
	"net/http"
	"strings"

	"github.com/bkgen/bkgen/generated/store"
	"github.com/bkgen/bkgen/runtime/auth"
	"github.com/bkgen/bkgen/runtime/config"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/hook"
)

// The application's own parameters: in -help and docs/config.md, set by
// flag, environment (BK_POST_BANNED) or etc/config; live ones follow a
// config file edit without a restart.
var (
	postBanned   = config.NewRegexp("post-banned", `(?i)\bspam\b`, "regexp of what a post body may not contain (live)").Live()
	postMaxWords = config.NewInt("post-max-words", 10000, "most words a post body may have (live)").Live()
	readingSpeed = config.NewInt("post-words-per-minute", 200, "reading speed behind the reading_minutes of /post/get")
)

// params lists them for the App.
var params = []config.Var{postBanned, postMaxWords, readingSpeed}

// rowHooks are the rules on rows: they run on every path that writes or
// reads the table (REST, GraphQL, jobs, the shell, your own store calls).
func rowHooks(h *store.Hooks) {
	// refuse what the post rules forbid, and compute words from the body
	h.Post.OnWrite(func(ctx context.Context, w *store.PostWrite) error {
		var body string
		switch {
		case w.Row != nil:
			body = w.Row.Body
		case w.Changes != nil && w.Changes.Body.Set:
			body = w.Changes.Body.Val
		default:
			return nil // an update that leaves the body alone
		}
		if re := postBanned.Get(); re != nil && re.MatchString(body) {
			return db.Refuse("the post contains %q, which is not allowed", re.FindString(body))
		}
		n := int64(len(strings.Fields(body)))
		if n > int64(postMaxWords.Get()) {
			return db.Invalid("post", "body", "has %d words, more than %d", n, postMaxWords.Get())
		}
		if w.Row != nil {
			w.Row.Words = n
		} else {
			w.Changes.Words = db.Some(n)
		}
		return nil
	}, db.OpAdd, db.OpPut, db.OpUpdate, db.OpUpdateAll)
}

// requestHooks are the rules on requests, by path: over GraphQL they apply
// to each field by its REST path (addPost is /post/add).
func requestHooks(h *hook.Hooks) {
	// accounts of type reader read posts but do not write them
	h.Before(`^/post/(add|put|update|del)$`, func(e *hook.Request) error {
		if acc := e.Account(); acc != nil && acc.HasType("reader") {
			return hook.Refuse(http.StatusForbidden, "readers may not write posts")
		}
		return e.Next()
	})
	// anyone may list posts, signed or not (the path rules want a signature)
	h.Access(`^/post/select$`, func(r *http.Request, acc *auth.Account, refused error) error {
		if acc == nil {
			return nil // anonymous: sees the pub columns, as the table's policy says
		}
		return refused
	})
	// /post/get tells how long the post takes to read
	h.After(`^/post/get$`, func(e *hook.Reply) error {
		if e.Status != http.StatusOK {
			return nil
		}
		var post map[string]any
		if err := e.JSON(&post); err != nil {
			return err
		}
		words, _ := post["words"].(float64)
		post["reading_minutes"] = int(words)/max(readingSpeed.Get(), 1) + 1
		return e.SetJSON(post)
	})
}
