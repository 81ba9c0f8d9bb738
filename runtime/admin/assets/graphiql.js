// GraphiQL on /graphql with the admin's session: fetch sends the bk-session
// cookie (same origin), so queries run with the admin's rules like any
// request. Without a session the page sends the admin to log in first.
(async () => {
  const res = await fetch("/auth", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}", credentials: "same-origin" });
  if (!res.ok) {
    location.replace("/admin/");
    return;
  }
  const me = await res.json();
  document.getElementById("gql-who").textContent = `${me.login} (${me.type || "no type"})`;
  const fetcher = GraphiQL.createFetcher({ url: "/graphql" });
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, {
    fetcher,
    defaultEditorToolsVisibility: true,
    defaultQuery: "# Every table is a query (todo(id: …), todos(where: …)), a mutation and a subscription.\n{\n  todos(first: 5) {\n    nodes { id name done }\n  }\n}\n",
  }));
})();
