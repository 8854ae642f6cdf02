/**
 * The two multi-call patterns of the EC2 adapter: following `NextToken` through every page, and
 * DescribeNetworkInterfaces by ids when some of the ids no longer exist.
 */
import { Ec2Error } from '../../core/aws/ec2-error.ts';

/** One page of a Describe reply. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextToken?: string | undefined;
}

/** Most pages followed before giving up on a listing that never ends (a token loop). */
const MAX_PAGES = 10_000;

/** Every item of every page, asking for each page with the previous page's token. */
export async function paginate<T>(fetchPage: (nextToken: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const page = await fetchPage(nextToken);
    items.push(...page.items);
    if (page.nextToken === undefined || page.nextToken === '') return items;
    nextToken = page.nextToken;
  }
  throw new Error(`a Describe listing went on for more than ${MAX_PAGES} pages`);
}

const QUOTED_ENI_ID = /eni-[a-zA-Z0-9]+/g;

/**
 * The ENI ids an `InvalidNetworkInterfaceID.NotFound` error names (EC2 quotes them: `The networkInterface
 * ID 'eni-…' does not exist`), limited to those asked for; empty for any other error.
 */
export function missingEniIdsOf(error: unknown, asked: readonly string[]): string[] {
  if (!(error instanceof Ec2Error) || error.code !== 'InvalidNetworkInterfaceID.NotFound') return [];
  const source = error.cause instanceof Error ? error.cause.message : error.message;
  const quoted = /'([^']*)'/.exec(source)?.[1] ?? source;
  const named = new Set(quoted.match(QUOTED_ENI_ID) ?? []);
  return asked.filter((id) => named.has(id));
}

/**
 * Describes `ids` as ipamd's DescribeAllENIs does: when EC2 answers NotFound for an id, that id is dropped
 * and the call repeated with the rest. No ids means no call (EC2 would list every ENI of the account).
 */
export async function withoutMissingEnis<T>(
  ids: readonly string[],
  describe: (ids: readonly string[]) => Promise<T[]>,
): Promise<{ found: T[]; missing: string[] }> {
  let remaining = [...new Set(ids)];
  const missing: string[] = [];
  while (remaining.length > 0) {
    try {
      return { found: await describe(remaining), missing };
    } catch (error) {
      const gone = missingEniIdsOf(error, remaining);
      if (gone.length === 0) throw error;
      missing.push(...gone);
      remaining = remaining.filter((id) => !gone.includes(id));
    }
  }
  return { found: [], missing };
}
