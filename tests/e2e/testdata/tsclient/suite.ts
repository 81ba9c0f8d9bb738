// The TypeScript client's test list, run in Node (node.ts) and in Chromium
// (browser.ts) against a real server. Each step throws on a failure.
import { BkError, Client, PhotoCols, TodoCols } from "./index.js";
import type { Photo } from "./index.js";

export function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (e) {
    if (e instanceof BkError) return e.status;
    throw e;
  }
}

export interface Options {
  base: string;
  login: string;
  secret: string;
  tag: string; // unique per run: the album and the todo name
  rows: number; // how many rows to page through
}

export async function run(o: Options, log: (s: string) => void): Promise<void> {
  const c = new Client(o.base, { login: o.login, secret: o.secret });
  const album = o.tag;

  // every operation on a table with a composite key and every column kind
  const taken = "2026-12-04T10:30:00.123Z";
  const p: Photo = { album_id: album, id: "p1", name: "lake", kind: "png", width: 640, rating: 4.5, hidden: true,
    tags: ["a", "b"], exif: { iso: 100 }, thumb: btoa("\u0000\u0001\u00ff"), caption: "at the lake", size: 2048, taken };
  const added = await c.photo.add(p);
  check(typeof added.owner_id === "string" && added.owner_id !== "" && (added.mtime ?? 0) > 0, `add: ${JSON.stringify(added)}`);
  const k = { album_id: album, id: "p1" };
  const got = await c.photo.get(k);
  check(got.name === "lake" && got.kind === "png" && got.width === 640 && got.rating === 4.5 && got.hidden === true &&
    JSON.stringify(got.tags) === '["a","b"]' && JSON.stringify(got.exif) === '{"iso":100}' && got.thumb === p.thumb &&
    got.caption === "at the lake" && got.size === 2048 && got.taken !== undefined && Date.parse(got.taken) === Date.parse(taken),
    `get: ${JSON.stringify(got)}`);
  check((await status(c.photo.add(p))) === 409, "add again: want 409");
  check((await c.photo.update(k, { name: "lake at dawn", caption: null })) === 1, "update");
  const upd = await c.photo.get(k);
  check(upd.name === "lake at dawn" && upd.caption === undefined && upd.width === 640, `after update: ${JSON.stringify(upd)}`);
  await c.photo.put({ album_id: album, id: "p1", name: "replaced" });
  const put = await c.photo.get(k);
  check(put.name === "replaced" && put.width === 0 && put.tags === undefined, `after put: ${JSON.stringify(put)}`);
  for (let i = 2; i <= 5; i++) await c.photo.add({ album_id: album, id: `p${i}`, name: `n${i}`, width: i * 100 });
  const ids: string[] = [];
  for await (const r of c.photo.select({ where: [PhotoCols.album_id.eq(album), PhotoCols.width.ge(300)], count: 2 })) ids.push(r.id ?? "");
  check(ids.join(",") === "p3,p4,p5", `select width >= 300 in pages of 2: ${ids}`);
  const page = await c.photo.page({ where: [PhotoCols.album_id.eq(album)], count: 2, order: PhotoCols.name.desc() });
  check(page.data.length === 2 && page.next_token !== undefined, `page: ${JSON.stringify(page)}`);
  check((await c.photo.count({ where: [PhotoCols.album_id.eq(album)] })) === 5, "count");
  await c.photo.del(k);
  check((await status(c.photo.get(k))) === 404, "get after del: want 404");
  try {
    await c.photo.add({ album_id: album, id: "bad", name: "x", kind: "tiff" as "png" });
    check(false, "a bad enum value was accepted");
  } catch (e) {
    check(e instanceof BkError && e.status === 400 && e.code === "InvalidValue", `bad enum: ${e}`);
  }
  const m1 = await c.meter.incr({ id: album }, { likes: 2 });
  const m2 = await c.meter.incr({ id: album }, { likes: 3, views: 1 });
  check(m1.likes === 2 && m2.likes === 5 && m2.views === 1, `incr: ${JSON.stringify(m2)}`);
  log("operations: ok");

  // o.rows rows through pages of 97: each once, none missing
  const want: string[] = [];
  for (let i = 0; i < o.rows; i++) {
    want.push(`${o.tag}-${String(i).padStart(4, "0")}`);
    await c.todo.add({ id: want[i], name: o.tag });
  }
  const seen: string[] = [];
  for await (const t of c.todo.select({ where: [TodoCols.name.eq(o.tag)], count: 97 })) seen.push(t.id ?? "");
  seen.sort();
  check(seen.length === want.length && seen.every((id, i) => id === want[i]), `paging: ${seen.length} rows, want ${want.length} once each`);
  log(`paging ${o.rows}: ok`);

  // a session and an access token instead of signatures
  for (const how of ["session", "token"] as const) {
    const u = new Client(o.base);
    await u.logout().catch(() => {}); // a browser may still hold an earlier session
    check((await status(u.todo.get({ id: want[0] ?? "" }))) === 417, `unsigned get (${how}): want 417`);
    await u.login(o.login, o.secret, { session: how === "session", accessToken: how === "token" });
    check((await u.todo.get({ id: want[0] ?? "" })).name === o.tag, `get with a ${how}`);
    await u.logout();
    check((await status(u.todo.get({ id: want[0] ?? "" }))) === 417, `get after logout (${how}): want 417`);
  }
  log("session and token: ok");
}
