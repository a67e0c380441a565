/** Test set-up, run once before any test file (bunfig.toml `preload`): brings the Debian programs the tests use. */
import { installMissingTestTools } from "../helpers/system-tool.ts";

installMissingTestTools();
