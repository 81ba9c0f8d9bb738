package schema

import "github.com/bkgen/bkgen/schema/bk"

// The backendjs modules this application opts into (docs/modules.md): each
// is its tables' schemas embedded from schema/bk; bkgen generates the
// module's routes (/counter/*, /connection/*, /reference/*, /message/*,
// /location/*) and the row hooks that keep its tables in step.

// BkCounter is bk_counter: each account's counters.
type BkCounter struct{ bk.CounterSchema }

// BkConnection and BkReference are the connections an account made and
// those made to it.
type (
	BkConnection struct{ bk.ConnectionSchema }
	BkReference  struct{ bk.ReferenceSchema }
)

// BkMessage, BkArchive and BkSent are the inbox, the archive and the sent
// messages.
type (
	BkMessage struct{ bk.MessageSchema }
	BkArchive struct{ bk.ArchiveSchema }
	BkSent    struct{ bk.SentSchema }
)

// BkLocation is bk_location: the last position of each account.
type BkLocation struct{ bk.LocationSchema }

// BkIcon is bk_icon: the icons of accounts and of their objects.
type BkIcon struct{ bk.IconSchema }
