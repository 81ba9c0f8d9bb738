// GraphiQL on /graphql with the browser's session: fetch sends the
// bk-session cookie (same origin), so queries run under the rules of the
// account logged in, like any request. Any account may log in here (the
// bar at the top); ?query= fills the editor.
const bar = document.getElementById("gql-who");

async function post(path, body) {
  const res = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), credentials: "same-origin" });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.message || res.statusText);
  return data;
}

function loggedIn(me) {
  const out = document.createElement("button");
  out.textContent = "Log out";
  out.addEventListener("click", async () => {
    await post("/logout", {}).catch(() => {});
    location.reload();
  });
  bar.replaceChildren(`${me.login} (${me.type || "no type"}) `, out);
}

function loginForm() {
  const form = document.createElement("form");
  form.id = "gql-login";
  form.innerHTML = '<input name="login" placeholder="login" autocomplete="username" size="12"> <input name="secret" type="password" placeholder="secret" autocomplete="current-password" size="16"> <button type="submit">Log in</button> <span class="err"></span>';
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    try {
      loggedIn(await post("/login", { login: f.get("login"), secret: f.get("secret"), _session: 1 }));
    } catch (e) {
      form.querySelector(".err").textContent = e.message;
    }
  });
  bar.replaceChildren("Not logged in: ", form);
}

(async () => {
  try {
    loggedIn(await post("/auth", {}));
  } catch {
    loginForm();
  }
  const query = new URLSearchParams(location.search).get("query");
  const fetcher = GraphiQL.createFetcher({ url: "/graphql" });
  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(GraphiQL, {
    fetcher,
    defaultEditorToolsVisibility: true,
    query: query || undefined,
    defaultQuery: "# Every table is a query (todo(id: …), todos(where: …)), a mutation and a subscription.\n{\n  todos(first: 5) {\n    nodes { id name done }\n  }\n}\n",
  }));
})();
