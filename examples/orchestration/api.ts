// The API: serves on $PORT once the db is migrated; /healthz for readiness, /livez for liveness.
const db = process.env.DB_URL ?? "http://127.0.0.1:7431";
const server = Bun.serve({
  port: Number(process.env.PORT ?? 7432),
  hostname: "127.0.0.1",
  async fetch(req) {
    const path = new URL(req.url).pathname;
    if (path === "/healthz") {
      const migrated = await fetch(`${db}/migrated`).then((r) => r.ok, () => false);
      return migrated ? new Response("ok\n") : new Response("db not migrated\n", { status: 503 });
    }
    if (path === "/livez") return new Response("alive\n");
    return new Response(`hello from the api (pid ${process.pid})\n`);
  },
});
console.log(`api listening on ${server.port}`);
