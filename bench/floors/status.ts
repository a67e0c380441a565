// Floor for the status round trip: one GET over a unix socket, print the body. Usage: status SOCKET
const sock = process.argv[2] ?? "";
const res = await fetch("http://canopy/v1/services", { unix: sock });
process.stdout.write(await res.text());
process.exitCode = res.ok ? 0 : 1;
export {};
