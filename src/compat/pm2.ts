/** A PM2 ecosystem value (`{ apps: [...] }`, already evaluated or parsed) → canopy's raw config shape (pure). */
import { describe, isMapping } from "../config/checks.ts";
import { type Conversion, newConversion, serviceReport } from "./convert-report.ts";
import { convertApp, pm2AppName } from "./pm2-app.ts";

/** Converts every app; `envName` is `--env`'s value. Top-level keys other than `apps` (`deploy`) are named as skipped. */
export function pm2ToRaw(value: unknown, envName: string | undefined): Conversion {
  const out = newConversion();
  const top = isMapping(value) && isMapping(value.default) && value.apps === undefined ? value.default : value;
  if (!isMapping(top) || !Array.isArray(top.apps)) {
    out.problems.push({ field: "apps", message: `expected { apps: [ { name, script, … } ] }, got ${describe(isMapping(top) ? top.apps : top)}` });
    return out;
  }
  for (const key of Object.keys(top)) if (key !== "apps") out.ignored.push(key);
  const services = new Map<string, unknown>();
  let chosenSeen = envName === undefined;
  top.apps.forEach((app: unknown, i) => {
    if (!isMapping(app)) {
      out.problems.push({ field: `apps[${i}]`, message: `expected a mapping with at least script, got ${describe(app)}` });
      return;
    }
    const name = pm2AppName(app) ?? `apps[${i}]`;
    if (services.has(name)) {
      out.problems.push({ service: name, field: "name", message: `two apps are named ${name}; give each its own name` });
      return;
    }
    if (envName !== undefined && app[`env_${envName}`] !== undefined) chosenSeen = true;
    services.set(name, convertApp(app, envName, serviceReport(out, name, (field) => (field === "" ? `apps.${name}` : `apps.${name}.${field}`))));
  });
  if (!chosenSeen) out.problems.push({ field: "", message: `--env ${envName}: no app has env_${envName}` });
  out.raw.services = Object.fromEntries(services);
  return out;
}
