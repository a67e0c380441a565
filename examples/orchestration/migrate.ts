// A one-shot migration: asks the db to migrate, then exits 0 (exit 1 makes Canopy retry it).
const url = `${process.env.DB_URL ?? "http://127.0.0.1:7431"}/migrate`;
const res = await fetch(url, { method: "POST" }).catch((err: Error) => err);
if (res instanceof Error || !res.ok) {
  console.error(`migration failed: ${res instanceof Error ? res.message : `HTTP ${res.status}`}`);
  process.exit(1);
}
console.log("migration done");
