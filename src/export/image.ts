/** The container image of each service: its `image:`, else `--image`; refused when neither is given (pure). */
import type { ServiceConfig } from "../config/types.ts";
import { CanopyError } from "../errors.ts";

/** Service name → image, or a usage error naming every service that has none. */
export function imagesOf(services: ServiceConfig[], fallback: string | undefined, target: string): Map<string, string> {
  const missing = services.filter((s) => s.image === undefined && fallback === undefined).map((s) => s.name);
  if (missing.length > 0) {
    throw new CanopyError(
      "usage",
      `export to ${target} needs a container image for ${missing.join(", ")}: add \`image:\` to the service or pass --image IMAGE`,
      { services: missing },
    );
  }
  return new Map(services.map((s) => [s.name, (s.image ?? fallback) as string]));
}
