/** Substring upstream reserves for its own ENI tags (`reservedTagKeyPrefix`). */
export const RESERVED_TAG_KEY_PART = 'k8s.amazonaws.com';

/** The outcome of {@link parseAdditionalEniTags}: the tags, or why the text was refused. */
export type EniTagsResult =
  | { readonly ok: true; readonly tags: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly reason: string };

function tagProblem(key: string, value: string): string | undefined {
  if (key.includes(RESERVED_TAG_KEY_PART)) return `tag key "${key}" contains the reserved "${RESERVED_TAG_KEY_PART}"`;
  // EC2 tag rules: key 1-128 characters, value up to 256, and the aws: prefix belongs to AWS.
  if (key.length < 1 || key.length > 128) return `tag key "${key}" is not 1 to 128 characters long`;
  if (key.toLowerCase().startsWith('aws:')) return `tag key "${key}" uses the reserved "aws:" prefix`;
  if (value.length > 256) return `the value of "${key}" is longer than 256 characters`;
  return undefined;
}

/**
 * Parses `ADDITIONAL_ENI_TAGS`, a JSON object of string tag values (`{"team":"net"}`). Upstream drops the
 * whole setting on a JSON error and silently drops keys containing `k8s.amazonaws.com`; vpcnet refuses both,
 * and also keys EC2 would reject. JSON `null` means no tags, as for Go's `json.Unmarshal` into a map.
 */
export function parseAdditionalEniTags(text: string): EniTagsResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'it is not valid JSON' };
  }
  if (parsed === null) return { ok: true, tags: {} };
  if (typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, reason: 'it is not a JSON object' };
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof value !== 'string') return { ok: false, reason: `the value of "${key}" is not a string` };
    const problem = tagProblem(key, value);
    if (problem !== undefined) return { ok: false, reason: problem };
    tags[key] = value;
  }
  return { ok: true, tags };
}
