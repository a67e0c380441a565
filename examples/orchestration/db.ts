// A stand-in database: an HTTP server on $PORT that takes a moment to warm up.
const warmUpMs = Number(process.env.WARM_UP_MS ?? 1000);
const since = Date.now();
let migrated = false;
const server = Bun.serve({
  port: Number(process.env.PORT ?? 7431),
  hostname: "127.0.0.1",
  fetch(req) {
    const path = new URL(req.url).pathname;
    if (path === "/healthz") return Date.now() - since < warmUpMs ? new Response("warming up\n", { status: 503 }) : new Response("ok\n");
    if (path === "/migrate" && req.method === "POST") {
      migrated = true;
      return new Response("migrated\n");
    }
    if (path === "/migrated") return new Response(migrated ? "yes\n" : "no\n", { status: migrated ? 200 : 404 });
    return new Response("db\n");
  },
});
console.log(`db listening on ${server.port}, ready in ${warmUpMs}ms`);
