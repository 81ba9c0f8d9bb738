// The admin console: a page of this origin that calls the API with the
// admin's session (the bk-session cookie, HttpOnly, SameSite=Strict). It
// has no power of its own: what the API refuses an admin, it cannot do.

const main = document.getElementById("main");
const nav = document.getElementById("nav");
const who = document.getElementById("who");
let me = null;
let timer = 0; // the refresh of the page shown, if it has one

/** h builds an element: attributes (on* are listeners), then children. */
function h(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "class") e.className = v;
    else if (k === "value") e.value = v;
    else if (k === "checked") e.checked = !!v;
    else if (v === true) e.setAttribute(k, "");
    else if (v !== false && v != null) e.setAttribute(k, String(v));
  }
  for (const k of kids.flat(Infinity)) if (k != null && k !== false) e.append(k instanceof Node ? k : String(k));
  return e;
}

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function reply(res) {
  const text = await res.text();
  let data = {};
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    data = { message: text };
  }
  if (!res.ok) throw new ApiError(res.status, data.code || "", data.message || res.statusText);
  return data;
}

/** post calls an API route with a JSON body. */
async function post(path, body = {}) {
  return reply(await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), credentials: "same-origin" }));
}

/** get calls a route with query parameters (the /system/ and /data/ ones). */
async function get(path, params = {}) {
  const q = new URLSearchParams(params).toString();
  return reply(await fetch(q ? `${path}?${q}` : path, { credentials: "same-origin" }));
}

function errorBox(e) {
  return h("p", { class: "error", role: "alert" }, e instanceof ApiError ? `${e.status} ${e.code}: ${e.message}` : String(e));
}

function show(...kids) {
  main.replaceChildren(...kids);
}

// ---- login

function loginPage(message) {
  nav.hidden = true;
  who.replaceChildren();
  const err = h("p", { class: "error", id: "login-error", role: "alert" }, message || "");
  const form = h("form", { class: "grid", id: "login" },
    h("label", { for: "login-name" }, "Login"), h("input", { id: "login-name", name: "login", autocomplete: "username", required: true }),
    h("label", { for: "login-secret" }, "Secret or password"), h("input", { id: "login-secret", name: "secret", type: "password", autocomplete: "current-password", required: true }),
    h("label", { for: "login-kind" }, "It is a"), h("select", { id: "login-kind", name: "kind" }, h("option", { value: "secret" }, "secret"), h("option", { value: "password" }, "password")),
    h("span"), h("button", { type: "submit", id: "login-submit" }, "Log in"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    try {
      const acc = await post("/login", { login: f.get("login"), [f.get("kind")]: f.get("secret"), _session: 1 });
      if (acc.type !== "admin") {
        await post("/logout").catch(() => {});
        loginPage(`${acc.login} is not an admin account: this console is for admins only.`);
        return;
      }
      me = acc;
      start();
    } catch (e) {
      err.textContent = e instanceof ApiError && e.status === 401 ? "Wrong login or secret." : String(e.message || e);
    }
  });
  show(h("h2", {}, "Log in as an admin"), form, err);
}

async function logout() {
  await post("/logout").catch(() => {});
  me = null;
  location.hash = "";
  loginPage("Logged out.");
}

function start() {
  nav.hidden = false;
  who.replaceChildren(h("span", { id: "me" }, `${me.login} (${me.type})`), h("button", { id: "logout", onclick: logout }, "Log out"));
  route();
}

// ---- the pages

const pages = { tables: tablesPage, accounts: accountsPage, jobs: jobsPage, metrics: metricsPage, config: configPage };

function route() {
  clearInterval(timer);
  timer = 0;
  const [, page = "tables", arg] = location.hash.split("/");
  for (const a of nav.querySelectorAll("a")) a.classList.toggle("on", a.getAttribute("href") === `#/${page}`);
  (pages[page] || tablesPage)(arg ? decodeURIComponent(arg) : "").catch((e) => {
    if (e instanceof ApiError && (e.status === 417 || e.status === 401)) loginPage("Your session ended: log in again.");
    else show(errorBox(e));
  });
}
window.addEventListener("hashchange", () => me && route());

// ---- tables

let tableInfo = null;

async function tables() {
  if (!tableInfo) tableInfo = await get("/data/columns");
  return tableInfo;
}

async function tablesPage(name) {
  const all = await tables();
  if (name && all[name]) return tablePage(all[name]);
  const rows = Object.values(all).sort((a, b) => a.name.localeCompare(b.name)).map((t) =>
    h("tr", {}, h("td", {}, h("a", { href: `#/tables/${encodeURIComponent(t.name)}` }, t.name)), h("td", {}, t.keys.join(", ")),
      h("td", {}, t.columns.map((c) => `${c.name}: ${c.type}`).join(", "))));
  show(h("h2", {}, "Tables"), h("table", { id: "tables" }, h("tr", {}, h("th", {}, "table"), h("th", {}, "key"), h("th", {}, "columns")), rows));
}

const ops = ["eq", "ne", "gt", "ge", "lt", "le", "in", "between", "begins_with", "contains", "not_contains", "null", "not_null"];

/** value reads an input of column c into a JSON value, or throws naming the column. */
function value(c, raw) {
  if (raw === "" && c.nullable) return null;
  switch (c.type) {
    case "int": {
      if (!/^-?\d+$/.test(raw)) throw new Error("an integer");
      return Number(raw);
    }
    case "float": {
      const n = Number(raw);
      if (raw === "" || Number.isNaN(n)) throw new Error("a number");
      return n;
    }
    case "bool":
      return raw === true || raw === "true";
    case "time":
      return raw ? new Date(raw).toISOString() : "";
    case "json":
      try {
        return JSON.parse(raw);
      } catch {
        throw new Error("JSON");
      }
    default:
      return raw;
  }
}

function shown(c, v) {
  if (v == null) return "";
  if (c.type === "json" || typeof v === "object") return JSON.stringify(v);
  return String(v);
}

async function tablePage(t) {
  const conds = h("div", { id: "conds" });
  const colOptions = () => t.columns.filter((c) => !c.secure).map((c) => h("option", { value: c.name }, c.name));
  const addCond = () => {
    const row = h("div", { class: "row cond" },
      h("select", { class: "cond-col" }, colOptions()),
      h("select", { class: "cond-op" }, ops.map((o) => h("option", { value: o }, o))),
      h("input", { class: "cond-value", placeholder: "value (a|b for in, between)" }),
      h("button", { type: "button", onclick: () => row.remove() }, "×"));
    conds.append(row);
  };
  const sort = h("select", { id: "sort" }, h("option", { value: "" }, "(key)"), colOptions());
  const desc = h("input", { type: "checkbox", id: "desc" });
  const count = h("input", { type: "number", id: "count", value: "25", min: "1", max: "1000" });
  const out = h("div", { id: "rows" });
  const msg = h("div", { id: "table-msg" });
  let token = "";

  const search = async (next) => {
    const body = { _count: Number(count.value) || 25 };
    const opList = [];
    for (const row of conds.querySelectorAll(".cond")) {
      const col = row.querySelector(".cond-col").value;
      const op = row.querySelector(".cond-op").value;
      const raw = row.querySelector(".cond-value").value;
      const c = t.columns.find((x) => x.name === col);
      body[col] = op === "in" || op === "between" ? raw.split("|").map((v) => value(c, v)) : op === "null" || op === "not_null" ? null : value(c, raw);
      if (op !== "eq") opList.push(col, op);
    }
    if (opList.length) body._ops = opList.join(",");
    if (sort.value) body._sort = sort.value;
    if (desc.checked) body._desc = true;
    if (next && token) body._token = token;
    msg.replaceChildren();
    try {
      const page = await post(`/${t.name}/select`, body);
      token = page.next_token || "";
      renderRows(page.data || []);
      if (token) out.append(h("button", { id: "next-page", onclick: () => search(true) }, "Next page"));
    } catch (e) {
      msg.replaceChildren(errorBox(e));
    }
  };
  const renderRows = (rows) => {
    const cols = t.columns.filter((c) => !c.secure);
    out.replaceChildren(h("table", { id: "result" },
      h("tr", {}, cols.map((c) => h("th", {}, c.name)), h("th", {}, "")),
      rows.map((r) => h("tr", { class: "data-row" }, cols.map((c) => h("td", { "data-col": c.name }, shown(c, r[c.name]))),
        h("td", {}, h("button", { class: "edit", onclick: () => rowForm(t, r, () => search(false)) }, "Edit"), " ",
          deleteButton(async () => { await post(`/${t.name}/del`, keyOf(t, r)); await search(false); }))))),
      h("p", { class: "muted" }, `${rows.length} row(s)`));
  };
  show(h("h2", {}, `Table ${t.name}`),
    h("p", { class: "muted" }, `key: ${t.keys.join(", ")}`),
    conds,
    h("div", { class: "row" }, h("button", { type: "button", id: "add-cond", onclick: addCond }, "+ condition"),
      h("label", {}, "sort ", sort), h("label", {}, desc, " descending"), h("label", {}, "page size ", count),
      h("button", { id: "search", onclick: () => search(false) }, "Search"),
      h("button", { id: "add-row", onclick: () => rowForm(t, null, () => search(false)) }, "Add a row")),
    msg, out, h("div", { id: "form" }));
  await search(false); // no condition at first: every row
}

function keyOf(t, r) {
  const k = {};
  for (const n of t.keys) k[n] = r[n];
  return k;
}

/** deleteButton asks twice before it calls del. */
function deleteButton(del) {
  const b = h("button", { class: "del" }, "Delete");
  b.addEventListener("click", async () => {
    if (b.dataset.armed !== "1") {
      b.dataset.armed = "1";
      b.textContent = "Really delete?";
      return;
    }
    b.disabled = true;
    await del().catch((e) => b.replaceWith(errorBox(e)));
  });
  return b;
}

/** input is the form control of column c, following its kind. */
function input(c, v) {
  const id = `f-${c.name}`;
  if (c.values && c.values.length) {
    return h("select", { id, name: c.name }, c.nullable ? h("option", { value: "" }, "(none)") : null,
      c.values.map((x) => h("option", { value: x, selected: x === v }, x)));
  }
  switch (c.type) {
    case "bool":
      return h("input", { id, name: c.name, type: "checkbox", checked: !!v });
    case "int":
    case "float":
      return h("input", { id, name: c.name, type: "number", step: c.type === "int" ? "1" : "any", value: v == null ? "" : String(v) });
    case "time":
      return h("input", { id, name: c.name, type: "datetime-local", step: "0.001", value: v ? new Date(v).toISOString().slice(0, 23) : "" });
    case "json":
      return h("textarea", { id, name: c.name, spellcheck: "false" }, v == null ? "" : JSON.stringify(v, null, 2));
    default:
      return h("input", { id, name: c.name, value: v == null ? "" : String(v), size: "40" });
  }
}

/** rowForm edits r (or adds a row when r is null) and shows the API's refusals beside the field they name. */
function rowForm(t, r, done) {
  const place = document.getElementById("form");
  const writable = t.columns.filter((c) => !c.secure && !c.now && !(r && c.primary));
  const errs = {};
  const top = h("div", { class: "error", id: "form-error", role: "alert" });
  const form = h("form", { class: "grid", id: "row-form" },
    r ? t.keys.map((k) => [h("label", {}, k), h("code", {}, String(r[k]))]) : null,
    writable.map((c) => {
      errs[c.name] = h("span", { class: "field-error", id: `err-${c.name}` });
      return [h("label", { for: `f-${c.name}` }, c.name, " ", h("span", { class: "tag" }, c.type + (c.nullable ? "?" : ""))), h("div", {}, input(c, r ? r[c.name] : undefined), errs[c.name])];
    }),
    h("span"), h("div", {}, h("button", { type: "submit", id: "save" }, r ? "Save" : "Add"), " ", h("button", { type: "button", onclick: () => place.replaceChildren() }, "Cancel")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    for (const e of Object.values(errs)) e.textContent = "";
    top.textContent = "";
    const body = r ? keyOf(t, r) : {};
    for (const c of writable) {
      const el = form.elements.namedItem(c.name);
      const raw = el.type === "checkbox" ? el.checked : el.value;
      const before = r ? r[c.name] : undefined;
      try {
        const v = value(c, raw);
        if (!r && (v === "" || v === null)) continue;
        if (r && shown(c, v) === shown(c, before) && !(v === null && before != null)) continue;
        body[c.name] = v;
      } catch (e) {
        errs[c.name].textContent = `must be ${e.message}`;
        return;
      }
    }
    try {
      await post(`/${t.name}/${r ? "update" : "add"}`, body);
      place.replaceChildren(h("p", { class: "ok", id: "saved" }, r ? "Saved." : "Added."));
      await done();
    } catch (e) {
      // the API's validation names the column: show it there
      const col = writable.find((c) => e.message && new RegExp(`\\b${c.name}\\b`).test(e.message));
      if (col) errs[col.name].textContent = e.message;
      else top.replaceChildren(errorBox(e));
    }
  });
  place.replaceChildren(h("h2", {}, r ? `Edit a row of ${t.name}` : `Add a row to ${t.name}`), top, form);
}

// ---- accounts

const accountTypes = ["", "admin"];

function randomSecret() {
  const b = new Uint8Array(18);
  crypto.getRandomValues(b);
  return btoa(String.fromCharCode(...b)).replace(/[+/=]/g, "x");
}

async function accountsPage() {
  const out = h("div", { id: "accounts" });
  const msg = h("div", { id: "account-msg" });
  const load = async () => {
    const page = await post("/account/select", { _count: 100 });
    out.replaceChildren(h("table", {},
      h("tr", {}, h("th", {}, "login"), h("th", {}, "name"), h("th", {}, "type"), h("th", {}, "id"), h("th", {}, "")),
      (page.data || []).map((a) => {
        const type = h("input", { class: "type", value: a.type || "", size: "10", list: "account-types" });
        const act = async (what, body) => {
          msg.replaceChildren();
          try {
            const r = await post(what, { login: a.login, ...body });
            return r;
          } catch (e) {
            msg.replaceChildren(errorBox(e));
            throw e;
          }
        };
        return h("tr", { class: "account", "data-login": a.login },
          h("td", {}, a.login), h("td", {}, a.name || ""), h("td", {}, type, " ",
            h("button", { class: "set-type", onclick: async () => { await act("/account/update", { type: type.value }); msg.replaceChildren(h("p", { class: "ok" }, `${a.login} is now of type ${type.value || "(none)"}.`)); } }, "Set")),
          h("td", { class: "muted" }, a.id),
          h("td", {},
            h("button", { class: "reset-secret", onclick: async () => { const s = randomSecret(); await act("/account/put/secret", { secret: s }); msg.replaceChildren(h("p", { class: "ok" }, `New secret of ${a.login} (shown once): `, h("code", { id: "new-secret" }, s))); } }, "Reset secret"), " ",
            h("button", { class: "reset-token", onclick: async () => { await act("/account/put/secret", { token_secret: 1 }); msg.replaceChildren(h("p", { class: "ok" }, `The access tokens of ${a.login} are ended.`)); } }, "Reset token secret"), " ",
            a.login === me.login ? null : deleteButton(async () => { await act("/account/del", {}); await load(); })));
      })));
  };
  const form = h("form", { class: "grid", id: "account-form" },
    h("label", {}, "login"), h("input", { name: "login", required: true }),
    h("label", {}, "secret"), h("input", { name: "secret", value: randomSecret(), required: true }),
    h("label", {}, "name"), h("input", { name: "name" }),
    h("label", {}, "type"), h("input", { name: "type", list: "account-types" }),
    h("span"), h("button", { type: "submit" }, "Add the account"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = Object.fromEntries(new FormData(form));
    msg.replaceChildren();
    try {
      await post("/account/add", f);
      msg.replaceChildren(h("p", { class: "ok" }, `Added ${f.login}.`));
      form.reset();
      await load();
    } catch (e) {
      msg.replaceChildren(errorBox(e));
    }
  });
  show(h("h2", {}, "Accounts"), h("datalist", { id: "account-types" }, accountTypes.map((t) => h("option", { value: t }))), msg, out, h("h2", {}, "Add an account"), form);
  await load();
}

// ---- jobs

function jobForm(j, msg) {
  const form = h("form", { class: "grid job", "data-job": j.name },
    j.fields.map((f) => [h("label", {}, f.name, f.required ? " *" : "", " ", h("span", { class: "tag" }, f.type)),
      f.values ? h("select", { name: f.name }, f.values.map((v) => h("option", { value: v }, v)))
        : f.type === "bool" ? h("input", { name: f.name, type: "checkbox" })
          : h("input", { name: f.name, type: f.type === "int" || f.type === "float" ? "number" : "text", step: "any", placeholder: f.help || "" })]),
    h("span"), h("button", { type: "submit", class: "submit-job" }, `Submit ${j.name}`));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const args = {};
    for (const f of j.fields) {
      const el = form.elements.namedItem(f.name);
      if (f.type === "bool") {
        if (el.checked) args[f.name] = true;
        continue;
      }
      if (el.value === "") continue;
      args[f.name] = f.type === "int" || f.type === "float" ? Number(el.value) : f.type === "json" ? JSON.parse(el.value) : el.value;
    }
    try {
      const res = await fetch(`/system/jobs/submit?name=${encodeURIComponent(j.name)}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(args), credentials: "same-origin" });
      const info = await reply(res);
      msg.replaceChildren(h("p", { class: "ok", id: "job-submitted" }, `Submitted ${info.name}: ${info.id} (${info.state}).`));
    } catch (e) {
      msg.replaceChildren(errorBox(e));
    }
  });
  return form;
}

function jobTable(id, list, cols) {
  return h("table", { id }, h("tr", {}, cols.map((c) => h("th", {}, c))),
    list.map((j) => h("tr", { class: "job-row", "data-name": j.name, "data-state": j.state }, cols.map((c) => h("td", {}, j[c] == null ? "" : String(j[c]))))));
}

async function jobsPage() {
  const { jobs, local } = await get("/system/jobs/list");
  const msg = h("div", { id: "job-msg" });
  const lists = h("div", { id: "job-lists" });
  const refresh = async () => {
    const [pending, running, failed, succeeded, cron] = await Promise.all([
      get("/system/jobs/get", { state: "pending" }), get("/system/jobs/get", { state: "running" }),
      get("/system/jobs/get", { state: "failed" }), get("/system/jobs/get", { state: "succeeded" }), get("/system/jobs/cron")]);
    const c = pending.counts;
    lists.replaceChildren(
      h("p", { class: "muted", id: "job-counts" }, `this process: ${c.enqueued} enqueued, ${c.succeeded} succeeded, ${c.failed} failed runs, ${c.retried} retried`),
      h("h2", {}, `Pending (${pending.count})`), jobTable("jobs-pending", pending.data, ["name", "id", "queue", "state", "payload", "next_at"]),
      h("h2", {}, `Running (${running.count})`), jobTable("jobs-running", running.data, ["name", "id", "queue", "payload"]),
      h("h2", {}, `Failed (${failed.count})`), jobTable("jobs-failed", failed.data, ["name", "id", "payload", "retried", "last_error", "failed_at"]),
      h("h2", {}, `Succeeded, recent (${succeeded.count})`), jobTable("jobs-succeeded", succeeded.data, ["name", "id", "payload"]),
      h("h2", {}, "Cron"), jobTable("jobs-cron", cron.data, ["job", "cron", "next", "queue", "payload", "where"]),
      cron.skipped.length ? h("p", { class: "error" }, `skipped: ${cron.skipped.join("; ")}`) : null);
  };
  show(h("h2", {}, "Jobs"), h("p", { class: "muted" }, local ? "in-process queue" : "Redis queue (asynq)"), msg,
    h("div", { id: "job-forms" }, jobs.map((j) => [h("h3", {}, j.name, " ", h("span", { class: "tag" }, `queue ${j.queue}, ${j.retries} retries, timeout ${j.timeout}${j.cron ? ", cron " + j.cron : ""}`)), jobForm(j, msg)])),
    lists);
  await refresh();
  timer = setInterval(() => refresh().catch(() => {}), 2000);
}

// ---- metrics

const charts = [
  { id: "chart-rate", title: "Requests per second", series: [["rate", "req/s"]] },
  { id: "chart-latency", title: "Latency (ms, bucket bounds)", series: [["p50", "p50"], ["p95", "p95"], ["p99", "p99"]] },
  { id: "chart-status", title: "Replies by status (per sample)", series: [["s2xx", "2xx"], ["s4xx", "4xx"], ["s5xx", "5xx"]] },
  { id: "chart-db", title: "Database ops per second, cache hit rate (%)", series: [["db_rate", "db ops/s"], ["cache_rate", "cache hits %"]] },
  { id: "chart-jobs", title: "Jobs (per sample)", series: [["jobs_ok", "succeeded"], ["jobs_failed", "failed"]] },
  { id: "chart-memory", title: "Memory (MB) and goroutines", series: [["heap_mb", "heap MB"], ["rss_mb", "RSS MB"], ["goroutines", "goroutines"]] },
];
const colors = ["#2456c8", "#d9822b", "#b42318", "#137333"];

async function metricsPage() {
  let samples = [];
  const grid = h("div", { class: "charts" });
  const now = h("p", { id: "metrics-now", class: "muted" });
  show(h("h2", {}, "Live metrics (the last hour)"), now, grid);
  const plots = charts.map((c) => {
    const box = h("div", { class: "chart", id: c.id }, h("h3", {}, c.title));
    grid.append(box);
    if (!window.uPlot) return null;
    return new window.uPlot({ width: 460, height: 200, series: [{}, ...c.series.map(([, label], i) => ({ label, stroke: colors[i], width: 1.5 }))], axes: [{}, {}] }, [[], ...c.series.map(() => [])], box);
  });
  const draw = () => {
    const t = samples.map((s) => s.t / 1000);
    charts.forEach((c, i) => {
      const data = [t, ...c.series.map(([k]) => samples.map((s) => k === "cache_rate" ? (s.cache_hits + s.cache_misses ? (100 * s.cache_hits) / (s.cache_hits + s.cache_misses) : null) : s[k]))];
      plots[i]?.setData(data);
      document.getElementById(c.id).dataset.points = String(samples.length);
      document.getElementById(c.id).dataset.max = String(Math.max(0, ...data[1].filter((v) => v != null)));
    });
    const last = samples[samples.length - 1];
    now.textContent = last ? `now: ${last.rate.toFixed(1)} req/s, p95 ${last.p95} ms, ${last.goroutines} goroutines, heap ${last.heap_mb.toFixed(1)} MB` : "no sample yet";
  };
  const poll = async () => {
    const since = samples.length ? samples[samples.length - 1].t : 0;
    const res = await get("/system/metrics/history", since ? { since } : {});
    samples = samples.concat(res.data).slice(-720);
    draw();
    return res.interval_ms;
  };
  const every = await poll();
  timer = setInterval(() => poll().catch(() => {}), Math.max(500, every));
}

// ---- config

async function configPage() {
  const { data } = await get("/system/config/get");
  const filter = h("input", { id: "config-filter", placeholder: "filter by name or help", size: "40" });
  const body = h("tbody");
  const render = () => {
    const f = filter.value.toLowerCase();
    body.replaceChildren(...data.filter((p) => !f || p.name.includes(f) || p.help.toLowerCase().includes(f)).map((p) =>
      h("tr", { class: "param", "data-name": p.name },
        h("td", {}, h("code", {}, `-${p.name}`)), h("td", { class: "value" }, p.value), h("td", {}, p.source),
        h("td", {}, p.live ? "live" : "restart", p.pending ? h("span", { class: "error" }, " (changed in the files: restart to apply)") : null),
        h("td", { class: "muted" }, p.default), h("td", { class: "muted" }, p.help))));
  };
  filter.addEventListener("input", render);
  show(h("h2", {}, "Configuration"), h("p", { class: "muted" }, "Secrets are masked. Live parameters follow the config files without a restart."), filter,
    h("table", { id: "config" }, h("thead", {}, h("tr", {}, ["parameter", "value", "source", "applies", "default", "help"].map((x) => h("th", {}, x)))), body));
  render();
}

// ---- start

(async () => {
  try {
    me = await post("/auth");
  } catch (e) {
    return loginPage(e instanceof ApiError && (e.status === 417 || e.status === 401) ? "" : String(e.message));
  }
  if (me.type !== "admin") {
    await post("/logout").catch(() => {});
    return loginPage(`${me.login} is not an admin account: this console is for admins only.`);
  }
  start();
})();
