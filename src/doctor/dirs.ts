/** Are the state and socket folders usable and private? Looks only; creates nothing. */
import { accessSync, constants, lstatSync, type Stats, statSync } from "node:fs";
import { dirname } from "node:path";
import type { Check } from "./check.ts";

/** A folder the daemon will make private (0700) on start: if present it must be a folder, ours, not writable by others; if absent, creatable. */
export function dirCheck(label: string, path: string, uid: number | undefined): Check {
  let link: Stats;
  try {
    link = lstatSync(path);
  } catch {
    return missingDirCheck(label, path);
  }
  if (link.isSymbolicLink() && uid !== undefined && link.uid !== uid) return notOurs(label, path, link.uid, uid, "a symlink");
  let st: Stats;
  try {
    st = statSync(path);
  } catch {
    return { status: "fail", what: `${label} ${path} is a dangling symlink`, fix: `rm ${path}` };
  }
  if (!st.isDirectory()) return { status: "fail", what: `${label} ${path} exists and is not a folder`, fix: `remove ${path}, or set CANOPY_STATE_DIR` };
  if (uid !== undefined && st.uid !== uid) return notOurs(label, path, st.uid, uid, "a folder");
  const mode = (st.mode & 0o777).toString(8).padStart(4, "0");
  if ((st.mode & 0o022) !== 0) return { status: "fail", what: `${label} ${path} is writable by others (mode ${mode})`, fix: `chmod 700 ${path}` };
  try {
    accessSync(path, constants.W_OK | constants.X_OK);
  } catch {
    return { status: "fail", what: `${label} ${path} is not writable (mode ${mode})`, fix: `chmod 700 ${path}` };
  }
  return { status: "ok", what: `${label} ${path} (mode ${mode}, yours)` };
}

/** An absent folder is fine when its nearest existing parent lets us create it. */
function missingDirCheck(label: string, path: string): Check {
  let parent = dirname(path);
  while (parent !== dirname(parent)) {
    try {
      statSync(parent);
      break;
    } catch {
      parent = dirname(parent);
    }
  }
  try {
    if (!statSync(parent).isDirectory()) throw new Error("not a folder");
    accessSync(parent, constants.W_OK | constants.X_OK);
  } catch {
    return { status: "fail", what: `${label} ${path} does not exist and cannot be created: ${parent} is not writable`, fix: `set CANOPY_STATE_DIR to a folder you can write, or make ${parent} writable` };
  }
  return { status: "ok", what: `${label} ${path} does not exist yet; it will be created in ${parent}` };
}

function notOurs(label: string, path: string, owner: number, uid: number, what: string): Check {
  return { status: "fail", what: `${label} ${path} is ${what} owned by uid ${owner}, not by you (uid ${uid})`, fix: `remove ${path}, or set CANOPY_STATE_DIR` };
}
