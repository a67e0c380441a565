// A tiny web server on $PORT.
const server = Bun.serve({
  port: Number(process.env.PORT ?? 8080),
  hostname: "127.0.0.1",
  fetch: (req) => new Response(`hello from canopy's demo (${new URL(req.url).pathname})\n`),
});
console.log(`listening on http://127.0.0.1:${server.port}`);
