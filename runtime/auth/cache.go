package auth

import (
	"context"
	"sync"
	"time"
)

// CachedAccounts keeps recently used accounts in memory for ttl, so that a
// signed request does not read bk_auth every time: the read was half the
// cost of a signed get by key. Changes made through the cache (Put, Del)
// take effect at once; a change made by another process (a new secret or
// token_secret) takes effect when that process announces it (see Announced
// and Forget), and within ttl at the latest. Unknown logins are not cached, so
// guessing logins cannot fill memory. At most max accounts are kept.
type CachedAccounts struct {
	Accounts
	ttl time.Duration
	max int
	mu  sync.Mutex
	m   map[string]cachedAccount
	now func() time.Time
}

type cachedAccount struct {
	acc     Account
	expires time.Time
}

// NewCachedAccounts wraps a with a cache; ttl <= 0 returns a unchanged.
func NewCachedAccounts(a Accounts, ttl time.Duration, max int) Accounts {
	if ttl <= 0 {
		return a
	}
	if max <= 0 {
		max = 10000
	}
	return &CachedAccounts{Accounts: a, ttl: ttl, max: max, m: map[string]cachedAccount{}, now: time.Now}
}

// Get returns a copy of the cached account, reading it when missing or old.
func (c *CachedAccounts) Get(ctx context.Context, login string) (*Account, error) {
	now := c.now()
	c.mu.Lock()
	e, ok := c.m[login]
	c.mu.Unlock()
	if ok && now.Before(e.expires) {
		acc := e.acc
		return &acc, nil
	}
	acc, err := c.Accounts.Get(ctx, login)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.m) >= c.max {
		clear(c.m) // bounded memory: start over rather than grow
	}
	c.m[login] = cachedAccount{acc: *acc, expires: now.Add(c.ttl)}
	c.mu.Unlock()
	return acc, nil
}

// Put writes through and drops the cached copy.
func (c *CachedAccounts) Put(ctx context.Context, a *Account) error {
	c.Forget(a.Login)
	err := c.Accounts.Put(ctx, a)
	c.Forget(a.Login)
	return err
}

// Del deletes through and drops the cached copy.
func (c *CachedAccounts) Del(ctx context.Context, login string) error {
	c.Forget(login)
	err := c.Accounts.Del(ctx, login)
	c.Forget(login)
	return err
}

// Forget drops the cached copy of login, for a change announced by another
// process.
func (c *CachedAccounts) Forget(login string) {
	c.mu.Lock()
	delete(c.m, login)
	c.mu.Unlock()
}

// Announced tells Announce of every login changed through it (Put, Del),
// after the change, so that the caches of other processes can Forget it.
type Announced struct {
	Accounts
	Announce func(ctx context.Context, login string)
}

// Put writes through, then announces the login.
func (a Announced) Put(ctx context.Context, acc *Account) error {
	err := a.Accounts.Put(ctx, acc)
	a.Announce(ctx, acc.Login) // also on error: the row may have changed
	return err
}

// Del deletes through, then announces the login.
func (a Announced) Del(ctx context.Context, login string) error {
	err := a.Accounts.Del(ctx, login)
	a.Announce(ctx, login)
	return err
}
