// node dist/node.js BASE LOGIN SECRET TAG: the suite, then a subscription
// that prints SUBSCRIBING, waits for the first write to the album (made by
// the Go test with the Go client) and prints it.
import { Client } from "./index.js";
import { check, run } from "./suite.js";

declare const process: { argv: string[]; exitCode?: number };

const [base = "", login = "", secret = "", tag = ""] = process.argv.slice(2);
try {
  await run({ base, login, secret, tag, rows: 1000 }, (s) => console.log(s));
  const c = new Client(base, { login, secret });
  const stop = new AbortController();
  console.log("SUBSCRIBING");
  for await (const ev of c.photo.changed({ album_id: tag + "-live" }, stop.signal)) {
    check(ev.photo.album_id === tag + "-live" && typeof ev.photo.name === "string", `event: ${JSON.stringify(ev)}`);
    console.log(`EVENT ${ev.op} ${ev.photo.name}`);
    stop.abort();
  }
  console.log("PASS");
} catch (e) {
  console.log(`FAIL: ${e instanceof Error ? e.stack : String(e)}`);
  process.exitCode = 1;
}
