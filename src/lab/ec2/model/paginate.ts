import { Ec2ApiError, invalidParameterValue } from '../errors.ts';

/** One page of a listing and the token for the next, if any. */
export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

/** The page-size bounds one Describe action accepts, e.g. 5..1000 for DescribeNetworkInterfaces. */
export interface PageBounds {
  readonly min: number;
  readonly max: number;
}

/**
 * Slices `items` (already filtered and in a stable order) as EC2 does: without `maxResults` the whole
 * list; with it, at most that many plus an opaque `nextToken`. A token that this listing did not
 * produce gives `InvalidPaginationToken`.
 */
export function paginate<T>(items: readonly T[], request: { maxResults?: number; nextToken?: string }, bounds: PageBounds): Page<T> {
  const { maxResults, nextToken } = request;
  if (maxResults !== undefined && (maxResults < bounds.min || maxResults > bounds.max)) {
    throw invalidParameterValue('MaxResults', String(maxResults), `It must be between ${bounds.min} and ${bounds.max}.`);
  }
  const start = nextToken === undefined ? 0 : decodeToken(nextToken, items.length);
  if (maxResults === undefined && nextToken === undefined) return { items: [...items] };
  const end = maxResults === undefined ? items.length : start + maxResults;
  const page = items.slice(start, end);
  return end < items.length ? { items: page, nextToken: encodeToken(end) } : { items: page };
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset }), 'utf8').toString('base64');
}

function decodeToken(token: string, length: number): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'o' in parsed) {
      const offset = parsed.o;
      if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 && offset <= length) return offset;
    }
  } catch {
    // Falls through to the AWS error below.
  }
  throw new Ec2ApiError('InvalidPaginationToken', `The pagination token '${token}' is invalid.`);
}
