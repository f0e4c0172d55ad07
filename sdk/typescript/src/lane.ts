/**
 * What a lane name is. Lanes become part of a Kubernetes Service name (`{app}-{lane}`), so a lane
 * must be a DNS-1123 label; anything else arriving in a header is noise or an attack and is
 * treated as "no lane" rather than passed on.
 */

/** A DNS-1123 label: lower-case letters, digits and dashes, starting with a letter, not ending with a dash. */
export const LANE_PATTERN = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;

/** The longest lane name (a DNS-1123 label). */
export const MAX_LANE_LENGTH = 63;

/** The lane that is the base Service (`{app}`), never `{app}-prod`. */
export const PROD_LANE = "prod";

/** True when `value` is a lane name as it stands (no trimming). */
export function isLaneName(value: unknown): value is string {
  return typeof value === "string" && value.length <= MAX_LANE_LENGTH && LANE_PATTERN.test(value);
}

/**
 * The lane named by `value` after trimming spaces and tabs (the optional whitespace HTTP allows
 * around header values), or null when it is not a lane name.
 */
export function normalizeLane(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const trimmed = value.replace(/^[ \t]+|[ \t]+$/g, "");
  return isLaneName(trimmed) ? trimmed : null;
}
